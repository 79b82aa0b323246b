using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace ChatDaemon.Chat;

/// <summary>
/// What waits to be sent to one client. Producers (any session broadcasting) only append a shared,
/// already encoded array and add to a byte count; one writer per client copies into the transport
/// and flushes once per batch. When the client does not read, the transport's flush stops completing,
/// the count grows, and <see cref="TryEnqueue"/> refuses once it would pass the limit.
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

    /// <summary>Sends queued messages until <see cref="Complete"/> and the queue is empty, or the transport closes.</summary>
    public async Task RunWriterAsync(PipeWriter output)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                output.Write(message);
                Interlocked.Add(ref _queuedBytes, -message.Length);
            }

            var flush = await output.FlushAsync().ConfigureAwait(false);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                return;
            }
        }
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
