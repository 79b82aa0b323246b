using System.Buffers;
using ChatDaemon.Networking;

namespace ChatDaemon.Chat;

/// <summary>
/// What waits to be sent to one client. Producers (any session broadcasting) only append a shared,
/// already encoded array and add to a byte count. One drain at a time sends what queued up, several
/// messages per send when they came faster than the client's socket took them. A drain runs as a
/// thread-pool work item, alone (<see cref="TryEnqueue(byte[], bool)"/>) or with the other members of a
/// broadcast (<see cref="DrainGroup"/>), so a fan-out wakes a few threads, not one per member.
/// </summary>
/// <remarks>
/// <para>
/// A slow client is one that holds the server back itself: more than its <see cref="SendQueueLimit"/> has
/// waited for it, without a break, for longer than the limit's grace, and its socket takes no more. Bytes
/// merely waiting for the server to get round to them (a drain queued behind other members' drains while a
/// burst is fanned out) are not the client's doing: a prompt reader drains them within milliseconds once its
/// turn comes, however many there were, so the count alone never disconnects anyone (issue 11, D2). A client
/// found slow is handed to its owner (<see cref="IOutboundQueueOwner.OnSlowClient"/>) by the broadcast that
/// finds it so, or by a timer when no broadcast comes.
/// </para>
/// <para>
/// Most clients are idle most of the time, so an empty queue holds next to nothing: no list while nothing
/// waits (only a busy client keeps a small spare), no send buffer, and no suspended writer: a drain exists only while there
/// is something to send. (A <c>Channel</c> with a writer task kept about 1.6 KiB per idle client alive:
/// its queue segment, the segment's array as large as the biggest burst, reader operations, and the
/// writer's state machine; bench/ANALYSIS.md "Idle connections".) For the same reason the task that
/// <see cref="Sent"/> returns is created only when someone waits for it, at the end of the session.
/// </para>
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

    /// <summary>How often a client found over its limit past the grace, but with room in its socket, is looked at again.</summary>
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(100);

    // The queue locks itself rather than a lock object of its own: that would be one more object (24 bytes)
    // per client, and most clients are idle. Nothing outside this class locks a queue.
    private IOutboundQueueOwner? _owner;
    private List<byte[]>? _pending;
    private List<byte[]>? _spare;
    private TaskCompletionSource? _sent; // created by the first look at Sent before the end, or by a failure
    private bool _completed;
    private bool _draining; // a drain is scheduled or running: there is only ever one sender
    private bool _ended; // everything was sent after Complete, or the output is gone
    private bool _slow; // the owner was told the client is slow
    private long _queuedBytes;
    private long _overLimitSince; // the owner's timestamp when the bytes waiting went over the limit; 0 while within it

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

    /// <summary>
    /// Appends <paramref name="message"/> and wakes the sender, unless the queue is complete or (when
    /// <paramref name="enforceLimit"/>) the client is slow (see the remarks): then the owner is told and the
    /// message refused. Before <see cref="Start"/> there is no owner and no limit.
    /// </summary>
    public EnqueueResult TryEnqueue(byte[] message, bool enforceLimit = true)
    {
        var result = TryEnqueue(message, enforceLimit, out bool mustDrain);
        if (mustDrain)
        {
            ScheduleDrain();
        }

        return result;
    }

    /// <summary>
    /// Appends like <see cref="TryEnqueue(byte[], bool)"/>; when <paramref name="mustDrain"/> comes back true
    /// the caller owns the wake-up and must schedule the drain (see <see cref="DrainGroup"/>).
    /// </summary>
    public EnqueueResult TryEnqueue(byte[] message, out bool mustDrain) => TryEnqueue(message, enforceLimit: true, out mustDrain);

    private EnqueueResult TryEnqueue(byte[] message, bool enforceLimit, out bool mustDrain)
    {
        mustDrain = false;
        long queued = Interlocked.Add(ref _queuedBytes, message.Length);
        var owner = Volatile.Read(ref _owner);
        var limit = enforceLimit && owner is not null ? owner.SendQueueLimit : SendQueueLimit.None;
        long watchFrom = 0;
        bool slow = false;
        lock (this)
        {
            if (_completed)
            {
                Interlocked.Add(ref _queuedBytes, -message.Length);
                return EnqueueResult.Closed;
            }

            if (limit.Bytes > 0 && queued > limit.Bytes)
            {
                long now = Math.Max(1, owner!.Time.GetTimestamp());
                if (_overLimitSince == 0)
                {
                    _overLimitSince = now;
                    watchFrom = limit.Grace > TimeSpan.Zero ? now : 0;
                }

                if (owner.Time.GetElapsedTime(_overLimitSince, now) >= limit.Grace && !owner.Connection.CanSendNow)
                {
                    Interlocked.Add(ref _queuedBytes, -message.Length);
                    slow = !_slow;
                    _slow = true;
                }
            }

            if (!_slow)
            {
                if (_pending is null)
                {
                    _pending = _spare ?? new List<byte[]>(SpareCapacity);
                    _spare = null;
                }

                _pending.Add(message);
                mustDrain = TakeDrain();
            }
            else if (!slow)
            {
                // Told already; refused like everything after it until the owner's abort ends the queue.
                Interlocked.Add(ref _queuedBytes, -message.Length);
            }
        }

        if (slow)
        {
            owner!.OnSlowClient();
        }

        if (_slow)
        {
            return EnqueueResult.Full;
        }

        if (watchFrom != 0)
        {
            _ = WatchOverLimitAsync(owner!, watchFrom, limit.Grace);
        }

        return EnqueueResult.Queued;
    }

    /// <summary>
    /// Looks at an episode over the limit once its grace has passed (no later broadcast may come to notice it):
    /// ends it if the bytes went back within the limit, tells the owner if the socket is still full, and
    /// otherwise looks again shortly (the client reads; the server is what is behind).
    /// </summary>
    private async Task WatchOverLimitAsync(IOutboundQueueOwner owner, long since, TimeSpan delay)
    {
        while (true)
        {
            await Task.Delay(delay, owner.Time).ConfigureAwait(false);
            bool slow = false;
            lock (this)
            {
                if (_overLimitSince != since || _ended || _slow)
                {
                    return; // ended (and perhaps another begun, with a watch of its own), or decided already
                }

                var limit = owner.SendQueueLimit;
                if (limit.Bytes == 0 || QueuedBytes <= limit.Bytes)
                {
                    _overLimitSince = 0;
                    return;
                }

                var left = limit.Grace - owner.Time.GetElapsedTime(since);
                if (left > TimeSpan.Zero)
                {
                    delay = left; // a reload lengthened the grace
                    continue;
                }

                if (!owner.Connection.CanSendNow)
                {
                    slow = true;
                    _slow = true;
                }
            }

            if (slow)
            {
                owner.OnSlowClient();
                return;
            }

            delay = RecheckInterval;
        }
    }

    /// <summary>After a send: the episode over the limit ends once what waits is within it again.</summary>
    private void EndOverLimitIfWithin()
    {
        if (Volatile.Read(ref _overLimitSince) == 0)
        {
            return;
        }

        var limit = _owner!.SendQueueLimit;
        if (limit.Bytes == 0 || QueuedBytes <= limit.Bytes)
        {
            lock (this)
            {
                _overLimitSince = 0;
            }
        }
    }

    /// <summary>Nothing waits and no drain runs (or the queue ended): everything queued was handed to the socket or dropped.</summary>
    public bool IsQuiet
    {
        get
        {
            lock (this)
            {
                return _ended || (!_draining && (_pending is null || _pending.Count == 0));
            }
        }
    }

    /// <summary>
    /// The bytes queued and not yet taken by a drain, in order, as one array (for <see cref="MemberState"/>).
    /// What a running drain already took is on its way to the socket and not included: capture once the
    /// queue is quiet.
    /// </summary>
    public byte[] CopyPending()
    {
        lock (this)
        {
            if (_pending is null)
            {
                return [];
            }

            var all = new byte[_pending.Sum(m => m.Length)];
            int at = 0;
            foreach (var message in _pending)
            {
                message.CopyTo(all, at);
                at += message.Length;
            }

            return all;
        }
    }

    /// <summary>
    /// Takes what waits (as <see cref="CopyPending"/> gives it) and closes the queue without sending it: for a
    /// member handed to another process, which sends these bytes instead. A drain that is sending keeps only
    /// what it took already; nothing is sent after that.
    /// </summary>
    public byte[] Freeze()
    {
        lock (this)
        {
            var pending = CopyPending();
            _completed = true;
            _pending = null;
            return pending;
        }
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

    /// <summary>Starts sending to <paramref name="owner"/>'s connection: what is queued now, and from then on whatever is queued.</summary>
    public void Start(IOutboundQueueOwner owner)
    {
        bool mustDrain;
        lock (this)
        {
            _owner = owner;
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
        if (_draining || _owner is null)
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

                if (!await _owner!.Connection.SendAsync(next).ConfigureAwait(false))
                {
                    return false;
                }

                EndOverLimitIfWithin();
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
