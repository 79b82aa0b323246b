using System.Buffers;
using ChatDaemon.Networking;

namespace ChatDaemon.Chat;

/// <summary>
/// What waits to be sent to one client. Producers (any session broadcasting) only append a shared,
/// already encoded array and add to a byte count. One drain at a time sends what queued up, several
/// messages per send when they came faster than the client's socket took them. A drain runs as a
/// thread-pool work item, alone (<see cref="TryEnqueue(byte[], int)"/>) or with the other members of a
/// broadcast (<see cref="DrainGroup"/>), so a fan-out wakes a few threads, not one per member. When the
/// client does not read, its sends stop completing, the count grows, and <see cref="TryEnqueue(byte[], int)"/>
/// refuses once it would pass the limit.
/// </summary>
/// <remarks>
/// Most clients are idle most of the time, so an empty queue holds next to nothing: no list while nothing
/// waits (only a busy client keeps a small spare), no send buffer, and no suspended writer: a drain exists only while there
/// is something to send. (A <c>Channel</c> with a writer task kept about 1.6 KiB per idle client alive:
/// its queue segment, the segment's array as large as the biggest burst, reader operations, and the
/// writer's state machine; bench/ANALYSIS.md "Idle connections".) For the same reason the task that
/// <see cref="Sent"/> returns is created only when someone waits for it, at the end of the session.
/// </remarks>
public sealed class OutboundQueue : IThreadPoolWorkItem
{
    /// <summary>The most bytes copied together into one send.</summary>
    public const int GatherBytes = 32 * 1024;

    /// <summary>
    /// A list is made this large. A busy client (more waiting after a send) keeps one spare between drains if
    /// it has not grown beyond this; a client that got one batch keeps none once it is sent.
    /// </summary>
    internal const int SpareCapacity = 4;

    // The queue locks itself rather than a lock object of its own: that would be one more object (24 bytes)
    // per client, and most clients are idle. Nothing outside this class locks a queue.
    private ClientConnection? _connection;
    private List<byte[]>? _pending;
    private List<byte[]>? _spare;
    private TaskCompletionSource? _sent; // created by the first look at Sent before the end, or by a failure
    private bool _completed;
    private bool _draining; // a drain is scheduled or running: there is only ever one sender
    private bool _ended; // everything was sent after Complete, or the output is gone
    private long _queuedBytes;

    /// <summary>Bytes accepted but not yet handed to the socket.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>List capacity held for this client (pending and spare), for tests of what an idle client costs.</summary>
    internal int RetainedCapacity
    {
        get
        {
            lock (this)
            {
                return (_pending?.Capacity ?? 0) + (_spare?.Capacity ?? 0);
            }
        }
    }

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
    /// the caller owns the wake-up and must schedule the drain (see <see cref="DrainGroup"/>).
    /// </summary>
    public EnqueueResult TryEnqueue(byte[] message, int limitBytes, out bool mustDrain)
    {
        mustDrain = false;
        long queued = Interlocked.Add(ref _queuedBytes, message.Length);
        if (limitBytes > 0 && queued > limitBytes)
        {
            Interlocked.Add(ref _queuedBytes, -message.Length);
            return EnqueueResult.Full;
        }

        lock (this)
        {
            if (_completed)
            {
                Interlocked.Add(ref _queuedBytes, -message.Length);
                return EnqueueResult.Closed;
            }

            if (_pending is null)
            {
                _pending = _spare ?? new List<byte[]>(SpareCapacity);
                _spare = null;
            }

            _pending.Add(message);
            mustDrain = TakeDrain();
        }

        return EnqueueResult.Queued;
    }

    /// <summary>No more messages; the sender ends after sending what is queued.</summary>
    public void Complete()
    {
        bool mustDrain;
        lock (this)
        {
            _completed = true;
            mustDrain = TakeDrain();
        }

        if (mustDrain)
        {
            ScheduleDrain();
        }
    }

    /// <summary>Starts sending to <paramref name="connection"/>: what is queued now, and from then on whatever is queued.</summary>
    public void Start(ClientConnection connection)
    {
        bool mustDrain;
        lock (this)
        {
            _connection = connection;
            mustDrain = (_pending is not null || _completed) && TakeDrain();
        }

        if (mustDrain)
        {
            ScheduleDrain();
        }
    }

    /// <summary>
    /// Completes once <see cref="Complete"/> was called and everything queued was sent, or when the
    /// connection's output closed or broke (a broken connection is not an error here: its reader sees it
    /// too). Faults only on an unexpected error.
    /// </summary>
    public Task Sent
    {
        get
        {
            lock (this)
            {
                if (_ended)
                {
                    return _sent?.Task ?? Task.CompletedTask;
                }

                _sent ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _sent.Task;
            }
        }
    }

    /// <summary>Under the lock: true if the caller is now the one to start a drain.</summary>
    private bool TakeDrain()
    {
        if (_draining || _connection is null)
        {
            return false;
        }

        _draining = true;
        return true;
    }

    private void ScheduleDrain() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    /// <summary>
    /// Sends until nothing waits. Runs synchronously while the socket takes everything at once (the usual
    /// case) and goes on asynchronously only when a send has to wait for the client. Only the one that
    /// started the drain calls it.
    /// </summary>
    internal async Task DrainAsync()
    {
        try
        {
            int batches = 0; // sent by this drain; more than one: more was waiting after a send, the client is busy
            while (true)
            {
                List<byte[]>? batch;
                lock (this)
                {
                    batch = _pending;
                    _pending = null;
                    if (batch is null)
                    {
                        if (!_completed)
                        {
                            _draining = false;
                            if (batches < 2 || _spare is { Capacity: > SpareCapacity })
                            {
                                _spare = null; // not kept for a client that got one batch, nor one grown by a burst
                            }

                            return;
                        }
                    }
                }

                if (batch is null)
                {
                    End(); // completed and sent; the drain flag stays set
                    return;
                }

                if (!await SendAsync(batch).ConfigureAwait(false))
                {
                    End();
                    return;
                }

                batches++;
                batch.Clear();
                lock (this)
                {
                    _spare ??= batch; // for the next batch: a busy client allocates no lists
                }
            }
        }
        catch (Exception ex)
        {
            End(ex);
        }
    }

    /// <summary>Sends <paramref name="batch"/>, small messages copied together; false once the output is closed.</summary>
    private async ValueTask<bool> SendAsync(List<byte[]> batch)
    {
        // Rented only while there is something to send: an idle client holds no send buffer.
        byte[]? gather = null;
        try
        {
            int i = 0;
            while (i < batch.Count)
            {
                var message = batch[i];
                ReadOnlyMemory<byte> next = message;
                if (i + 1 < batch.Count && message.Length < GatherBytes)
                {
                    gather ??= ArrayPool<byte>.Shared.Rent(GatherBytes);
                    next = Gather(batch, ref i, gather);
                }
                else
                {
                    Interlocked.Add(ref _queuedBytes, -message.Length);
                    i++;
                }

                if (!await _connection!.SendAsync(next).ConfigureAwait(false))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            if (gather is not null)
            {
                ArrayPool<byte>.Shared.Return(gather);
            }
        }
    }

    /// <summary>Copies the messages from <paramref name="i"/> on that fit into <paramref name="gather"/> (at least one), advancing <paramref name="i"/>.</summary>
    private ReadOnlyMemory<byte> Gather(List<byte[]> batch, ref int i, byte[] gather)
    {
        int filled = 0;
        do
        {
            var message = batch[i];
            message.CopyTo(gather, filled);
            filled += message.Length;
            i++;
        }
        while (i < batch.Count && batch[i].Length <= gather.Length - filled);

        Interlocked.Add(ref _queuedBytes, -filled);
        return gather.AsMemory(0, filled);
    }

    /// <summary>Everything was sent after completion, or the connection's output is gone: nothing more is queued or sent.</summary>
    private void End(Exception? error = null)
    {
        if (error is not null && ConnectionErrorClassifier.Classify(error) != ConnectionErrorKind.Unexpected)
        {
            error = null; // the connection broke or was aborted; the session's reader sees it too
        }

        TaskCompletionSource? sent;
        lock (this)
        {
            _completed = true;
            _ended = true;
            _pending = null;
            _spare = null;
            if (error is not null)
            {
                _sent ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            sent = _sent;
        }

        if (error is null)
        {
            sent?.TrySetResult();
        }
        else
        {
            sent?.TrySetException(error);
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
