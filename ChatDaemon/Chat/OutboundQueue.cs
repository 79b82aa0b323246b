using System.Buffers;
using System.Collections.Concurrent;
using ChatDaemon.Networking;

namespace ChatDaemon.Chat;

/// <summary>
/// What waits to be sent to one client. Producers (any session broadcasting) only append a shared,
/// already encoded array and add to a byte count. One drain at a time sends what queued up, several
/// messages per send when they came faster than the client's socket took them; it runs as a thread-pool
/// work item, alone (<see cref="TryEnqueue"/>) or with the other members of a broadcast
/// (<see cref="DrainGroup"/>), so a fan-out wakes a few threads, not one per member. When the client does
/// not read, its sends stop completing, the count grows, and <see cref="TryEnqueue"/> refuses once it
/// would pass the limit.
/// </summary>
public sealed class OutboundQueue : IThreadPoolWorkItem
{
    /// <summary>The most bytes copied together into one send.</summary>
    public const int GatherBytes = 32 * 1024;

    private readonly ConcurrentQueue<byte[]> _messages = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClientConnection? _connection;
    private byte[]? _carry; // taken from the queue but did not fit the last send; only the drain touches it
    private long _queuedBytes;
    private int _draining; // 1 while a drain is scheduled or running: there is only ever one sender
    private volatile bool _completed;

    /// <summary>Bytes accepted but not yet handed to the socket.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Appends <paramref name="message"/> unless that would exceed <paramref name="limitBytes"/> (0: no limit) or the queue is complete, and wakes the sender.</summary>
    public EnqueueResult TryEnqueue(byte[] message, int limitBytes)
    {
        var result = TryEnqueue(message, limitBytes, out bool mustDrain);
        if (mustDrain)
        {
            ScheduleDrain();
        }

        return result;
    }

    /// <summary>
    /// Appends like <see cref="TryEnqueue(byte[], int)"/>; when <paramref name="mustDrain"/> comes back true
    /// the caller owns the wake-up and must run or schedule <see cref="Drain"/> (see <see cref="DrainGroup"/>).
    /// </summary>
    public EnqueueResult TryEnqueue(byte[] message, int limitBytes, out bool mustDrain)
    {
        mustDrain = false;
        if (_completed)
        {
            return EnqueueResult.Closed;
        }

        long queued = Interlocked.Add(ref _queuedBytes, message.Length);
        if (limitBytes > 0 && queued > limitBytes)
        {
            Interlocked.Add(ref _queuedBytes, -message.Length);
            return EnqueueResult.Full;
        }

        _messages.Enqueue(message);
        mustDrain = Volatile.Read(ref _connection) is not null && Interlocked.CompareExchange(ref _draining, 1, 0) == 0;
        return EnqueueResult.Queued;
    }

    /// <summary>No more messages; the sender ends after sending what is queued.</summary>
    public void Complete()
    {
        _completed = true;
        if (Volatile.Read(ref _connection) is not null && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ScheduleDrain();
        }
    }

    /// <summary>
    /// Starts sending to <paramref name="connection"/>; the task ends once <see cref="Complete"/> was called
    /// and everything queued was sent, or when the connection's output closed or failed.
    /// </summary>
    public Task RunWriterAsync(ClientConnection connection)
    {
        Volatile.Write(ref _connection, connection);
        Interlocked.MemoryBarrier();
        if ((!_messages.IsEmpty || _completed) && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ScheduleDrain();
        }

        return _done.Task;
    }

    private void ScheduleDrain() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Drain();

    /// <summary>
    /// Sends until the queue is empty, or until a send has to wait for the client (it then goes on when the
    /// send completes). Only the one who set the drain flag calls it.
    /// </summary>
    internal void Drain()
    {
        try
        {
            while (true)
            {
                if (_carry is null && _messages.IsEmpty)
                {
                    if (_completed)
                    {
                        _done.TrySetResult();
                        return; // the flag stays set: nothing is sent after the end
                    }

                    Volatile.Write(ref _draining, 0);

                    // A producer that enqueued after the check above saw the flag still set and left the
                    // wake-up to this drain: take the flag back if so (or leave it to whoever took it).
                    if ((_messages.IsEmpty && !_completed) || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                    {
                        return;
                    }

                    continue;
                }

                var data = Take(out byte[]? gathered);
                var send = _connection!.SendAsync(data);
                if (!send.IsCompletedSuccessfully)
                {
                    _ = DrainAfterSendAsync(send, gathered);
                    return;
                }

                Return(gathered);
                if (!send.Result)
                {
                    End();
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            End(ex);
        }
    }

    private async Task DrainAfterSendAsync(ValueTask<bool> send, byte[]? gathered)
    {
        bool open;
        try
        {
            open = await send.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Return(gathered);
            End(ex);
            return;
        }

        Return(gathered);
        if (!open)
        {
            End();
            return;
        }

        Drain();
    }

    /// <summary>The next message, or the next messages copied together into <paramref name="gathered"/>.</summary>
    private ReadOnlyMemory<byte> Take(out byte[]? gathered)
    {
        gathered = null;
        byte[] first = _carry ?? Dequeue();
        _carry = null;
        if (first.Length >= GatherBytes || !_messages.TryDequeue(out var next))
        {
            Interlocked.Add(ref _queuedBytes, -first.Length);
            return first;
        }

        gathered = ArrayPool<byte>.Shared.Rent(GatherBytes);
        first.CopyTo(gathered, 0);
        int filled = first.Length;
        while (true)
        {
            if (next.Length > gathered.Length - filled)
            {
                _carry = next; // goes first in the next send
                break;
            }

            next.CopyTo(gathered, filled);
            filled += next.Length;
            if (!_messages.TryDequeue(out next))
            {
                break;
            }
        }

        Interlocked.Add(ref _queuedBytes, -filled);
        return gathered.AsMemory(0, filled);
    }

    private byte[] Dequeue()
    {
        // Only the drain dequeues, and it saw the queue non-empty.
        _messages.TryDequeue(out var message);
        return message!;
    }

    private static void Return(byte[]? gathered)
    {
        if (gathered is not null)
        {
            ArrayPool<byte>.Shared.Return(gathered);
        }
    }

    /// <summary>The connection's output is gone: nothing more is queued or sent.</summary>
    private void End(Exception? error = null)
    {
        _completed = true;
        if (error is null)
        {
            _done.TrySetResult();
        }
        else
        {
            _done.TrySetException(error);
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
