using System.Buffers;
using System.Threading.Channels;
using ChatDaemon.Networking;

namespace ChatDaemon.Chat;

/// <summary>
/// What waits to be sent to one client. Producers (any session broadcasting) only append a shared,
/// already encoded array and add to a byte count; one writer per client sends what queued up, several
/// messages per send when they came faster than the client's socket took them. When the client does not
/// read, its sends stop completing, the count grows, and <see cref="TryEnqueue"/> refuses once it would
/// pass the limit.
/// </summary>
public sealed class OutboundQueue
{
    private readonly Channel<byte[]> _channel = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    private long _queuedBytes;

    /// <summary>Bytes accepted but not yet handed to the transport.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Appends <paramref name="message"/> unless that would exceed <paramref name="limitBytes"/> (0: no limit) or the queue is complete.</summary>
    public EnqueueResult TryEnqueue(byte[] message, int limitBytes)
    {
        long queued = Interlocked.Add(ref _queuedBytes, message.Length);
        if (limitBytes > 0 && queued > limitBytes)
        {
            Interlocked.Add(ref _queuedBytes, -message.Length);
            return EnqueueResult.Full;
        }

        if (!_channel.Writer.TryWrite(message))
        {
            Interlocked.Add(ref _queuedBytes, -message.Length);
            return EnqueueResult.Closed;
        }

        return EnqueueResult.Queued;
    }

    /// <summary>No more messages; the writer ends after sending what is queued.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// Sends queued messages until <see cref="Complete"/> and the queue is empty, or the connection closes.
    /// Whatever queued up while the previous send ran goes out in one send (up to <see cref="GatherBytes"/>).
    /// </summary>
    public async Task RunWriterAsync(ClientConnection connection)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Rented only while there is something to send: an idle client holds no send buffer.
            byte[]? gather = null;
            try
            {
                while (reader.TryRead(out var message))
                {
                    ReadOnlyMemory<byte> next = message;
                    if (reader.TryPeek(out _) && message.Length < GatherBytes)
                    {
                        gather ??= ArrayPool<byte>.Shared.Rent(GatherBytes);
                        next = Gather(reader, message, gather);
                    }
                    else
                    {
                        Interlocked.Add(ref _queuedBytes, -message.Length);
                    }

                    if (!await connection.SendAsync(next).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            finally
            {
                if (gather is not null)
                {
                    ArrayPool<byte>.Shared.Return(gather);
                }
            }
        }
    }

    /// <summary>The most bytes copied together into one send.</summary>
    public const int GatherBytes = 32 * 1024;

    /// <summary>Copies <paramref name="first"/> and the messages after it that fit into <paramref name="gather"/>.</summary>
    private ReadOnlyMemory<byte> Gather(ChannelReader<byte[]> reader, byte[] first, byte[] gather)
    {
        first.CopyTo(gather, 0);
        int filled = first.Length;
        long taken = first.Length;
        while (reader.TryPeek(out var message) && message.Length <= gather.Length - filled && reader.TryRead(out message))
        {
            message.CopyTo(gather, filled);
            filled += message.Length;
            taken += message.Length;
        }

        Interlocked.Add(ref _queuedBytes, -taken);
        return gather.AsMemory(0, filled);
    }
}

public enum EnqueueResult
{
    Queued,

    /// <summary>The limit would be exceeded: the client does not read fast enough.</summary>
    Full,

    /// <summary>The session is ending.</summary>
    Closed,
}
