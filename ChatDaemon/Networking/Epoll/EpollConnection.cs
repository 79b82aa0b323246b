using System.Collections;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using ChatDaemon.Interop;

namespace ChatDaemon.Networking.Epoll;

/// <summary>
/// An accepted socket served by an <see cref="EpollLoop"/>. Input: one recv(2) per readiness event into
/// the <see cref="ReceiveBuffer"/>, whose reader runs inline; when the reader falls behind (the buffer is
/// full), the socket leaves the epoll read set until it catches up, so TCP pushes back on the client.
/// Output: send(2) from the caller's thread (<see cref="IConnectionSendFeature"/>); only when the kernel's
/// buffer is full does the sender wait for EPOLLOUT. An idle connection is this object, its socket and its
/// receive buffer's bookkeeping: arrays are taken only while bytes wait to be read.
/// </summary>
internal sealed class EpollConnection : ConnectionContext, IDuplexPipe, IConnectionSendFeature, IConnectionSocketFeature, IDeferredWorkFeature, IConnectionHandoverFeature, IFeatureCollection, IReceiveBufferOwner
{
    private static readonly PipeOptions OutputOptions = new(
        readerScheduler: PipeScheduler.ThreadPool,
        writerScheduler: PipeScheduler.Inline,
        useSynchronizationContext: false);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "s_: the runtime's prefix for a mutable static.")]
    private static long s_lastNumber;

    private readonly Socket _socket;
    private readonly SafeSocketHandle _handle;
    private readonly EpollLoop _loop;
    private readonly ReceiveBuffer _input;

    // The connection's state lock is the receive buffer's own (one monitor fewer per connection): neither
    // side calls the other while holding it, except re-entrantly on the same thread.
    private object Gate => _input;
    private readonly long _number = Interlocked.Increment(ref s_lastNumber);

    // Guarded by Gate: what the loop should watch for, and what it watches for now.
    private ReadState _read = ReadState.Armed;
    private TaskCompletionSource<bool>? _writable;
    private uint _interest;
    private bool _registered;
    private bool _resumeRequested;

    private int _aborted;
    private int _disposed;
    private ConnectionAbortedException? _abortReason;
    private CancellationTokenSource? _closed;
    private string? _id;
    private IDictionary<object, object?>? _items;
    private FeatureCollection? _otherFeatures;
    private Pipe? _output;
    private Task? _outputPump;
    private IDuplexPipe? _transport;

    private enum ReadState : byte
    {
        Armed,
        Paused,
        Done,
    }

    public EpollConnection(Socket socket, EpollLoop loop)
    {
        _socket = socket;
        _handle = socket.SafeHandle;
        _loop = loop;
        _input = new ReceiveBuffer(this);
        RemoteEndPoint = socket.RemoteEndPoint;
        Key = loop.Reserve(this);
    }

    /// <summary>This connection's key in its loop.</summary>
    public ulong Key { get; }

    /// <summary>Starts receiving: the socket joins the loop's read set.</summary>
    public void Start()
    {
        lock (Gate)
        {
            UpdateInterest();
        }
    }

    public override string ConnectionId
    {
        get => _id ??= "E" + _number.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        set => _id = value;
    }

    public override IFeatureCollection Features => this;

    // Asked for rarely: getsockname(2) and the address objects only then.
    public override EndPoint? LocalEndPoint
    {
        get => _socket.LocalEndPoint;
        set => throw new NotSupportedException("The transport owns the local end point.");
    }

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override IDuplexPipe Transport
    {
        get => _transport ?? this;
        set => _transport = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get
        {
            if (_closed is null)
            {
                var source = new CancellationTokenSource();
                if (Interlocked.CompareExchange(ref _closed, source, null) is not null)
                {
                    source.Dispose();
                }
                else if (Volatile.Read(ref _aborted) != 0 || Volatile.Read(ref _disposed) != 0)
                {
                    _closed.Cancel();
                }
            }

            return _closed.Token;
        }

        set => throw new NotSupportedException("The transport owns the connection-closed token.");
    }

    PipeReader IDuplexPipe.Input => _input;

    PipeWriter IDuplexPipe.Output
    {
        get
        {
            if (_output is null)
            {
                var pipe = new Pipe(OutputOptions);
                if (Interlocked.CompareExchange(ref _output, pipe, null) is null)
                {
                    _outputPump = PumpOutputAsync(pipe.Reader);
                }
            }

            return _output.Writer;
        }
    }

    Socket IConnectionSocketFeature.Socket => _socket;

    /// <summary>Runs on the loop thread for every epoll event of this connection.</summary>
    public void OnEvents(uint events)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        bool failed = (events & (LibC.EPOLLERR | LibC.EPOLLHUP)) != 0;
        if ((events & LibC.EPOLLOUT) != 0 || failed)
        {
            // The waiting sender retries and sees the error itself, if there is one.
            WakeSender(true);
        }

        if ((events & LibC.EPOLLIN) != 0 || failed)
        {
            bool armed;
            lock (Gate)
            {
                armed = _read == ReadState.Armed;
                if (!armed && failed)
                {
                    // EPOLLHUP and EPOLLERR cannot be masked: with nothing to read for now, stop watching
                    // the socket at all rather than be woken for it over and over. A resume adds it back.
                    Unregister();
                }
            }

            if (armed)
            {
                Receive();
            }
        }
    }

    private unsafe void Receive()
    {
        if (Volatile.Read(ref _aborted) != 0)
        {
            EndInput(_abortReason);
            return;
        }

        while (true)
        {
            var room = _input.BeginReceive();
            if (room.Count == 0)
            {
                PauseReceiving();
                return;
            }

            nint received;
            int errno = 0;
            try
            {
                fixed (byte* buffer = &room.Array![room.Offset])
                {
                    received = LibC.recv(_handle, buffer, room.Count, LibC.MSG_DONTWAIT);
                }

                if (received < 0)
                {
                    errno = LibC.errno;
                }
            }
            catch (ObjectDisposedException)
            {
                _input.EndReceive(0);
                EndInput(null);
                return;
            }

            // With data, a waiting reader (the session) handles it right here, inline.
            _input.EndReceive(received > 0 ? (int)received : 0);
            if (received > 0)
            {
                // Level-triggered: if more is waiting, the next epoll_wait says so (one recv per event, so a
                // busy client cannot keep the loop from the others).
                return;
            }

            if (received == 0)
            {
                EndInput(Volatile.Read(ref _aborted) != 0 ? _abortReason : null);
                return;
            }

            if (errno == LibC.EINTR)
            {
                continue;
            }

            if (errno != LibC.EAGAIN)
            {
                EndInput(Volatile.Read(ref _aborted) != 0 ? _abortReason : SocketErrors.ToInputException(errno));
            }

            return;
        }
    }

    private void EndInput(Exception? error)
    {
        lock (Gate)
        {
            _read = ReadState.Done;
            UpdateInterest();
        }

        _input.CompleteWriter(error);
    }

    // The buffer is full, or its reader is gone: leave the read set until the reader makes room.
    private void PauseReceiving()
    {
        bool aborted;
        lock (Gate)
        {
            aborted = _aborted != 0;
            if (_read != ReadState.Armed)
            {
                return;
            }

            if (_resumeRequested && !aborted)
            {
                // The reader made room between the buffer saying "full" and now: stay in the read set.
                _resumeRequested = false;
                return;
            }

            // Abort ends the input of a reader that is not the loop's; one that came before the pause is handled here.
            _read = aborted ? ReadState.Done : ReadState.Paused;
            UpdateInterest();
        }

        if (aborted)
        {
            _input.CompleteWriter(_abortReason);
        }
    }

    void IReceiveBufferOwner.ResumeReceiving()
    {
        lock (Gate)
        {
            if (_read == ReadState.Paused)
            {
                _read = ReadState.Armed;
                UpdateInterest();
            }
            else if (_read == ReadState.Armed)
            {
                _resumeRequested = true;
            }
        }
    }

    void IReceiveBufferOwner.ReaderCompleted()
    {
        lock (Gate)
        {
            _read = ReadState.Done;
            UpdateInterest();
        }
    }

    // Called under Gate: brings the epoll registration in line with what is wanted.
    private void UpdateInterest()
    {
        if (_disposed != 0)
        {
            return;
        }

        uint wanted = (_read == ReadState.Armed ? LibC.EPOLLIN : 0) | (_writable is not null ? LibC.EPOLLOUT : 0);
        int error;
        if (!_registered)
        {
            if (wanted == 0)
            {
                return;
            }

            error = _loop.Control(LibC.EPOLL_CTL_ADD, _handle, wanted, Key);
            _registered = error == 0;
        }
        else if (wanted == _interest)
        {
            return;
        }
        else
        {
            error = _loop.Control(LibC.EPOLL_CTL_MOD, _handle, wanted, Key);
        }

        if (error == 0)
        {
            _interest = wanted;
        }
        else
        {
            // Only a closed descriptor gets here (EBADF, ENOENT after close): treat it as aborted.
            _interest = 0;
            _registered = false;
            ThreadPool.UnsafeQueueUserWorkItem(static c => c.Abort(new ConnectionAbortedException("epoll_ctl failed")), this, preferLocal: false);
        }
    }

    // Called under Gate.
    private void Unregister()
    {
        if (_registered)
        {
            _loop.Control(LibC.EPOLL_CTL_DEL, _handle, 0, Key);
            _registered = false;
            _interest = 0;
        }
    }

    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data)
    {
        if (Volatile.Read(ref _aborted) != 0 || Volatile.Read(ref _disposed) != 0)
        {
            return new ValueTask<bool>(false);
        }

        int sent = SendNow(data.Span, out int errno);
        if (sent == data.Length)
        {
            return new ValueTask<bool>(true);
        }

        if (errno != LibC.EAGAIN)
        {
            return SendFailed(errno);
        }

        return SendWhenWritableAsync(data.Slice(sent));
    }

    // Sends as much as the kernel takes now; returns the count, with errno set when it is short.
    private unsafe int SendNow(ReadOnlySpan<byte> data, out int errno)
    {
        int total = 0;
        errno = 0;
        try
        {
            fixed (byte* start = data)
            {
                while (total < data.Length)
                {
                    nint sent = LibC.send(_handle, start + total, data.Length - total, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL);
                    if (sent >= 0)
                    {
                        total += (int)sent;
                        continue;
                    }

                    errno = LibC.errno;
                    if (errno != LibC.EINTR)
                    {
                        break;
                    }
                }
            }
        }
        catch (ObjectDisposedException)
        {
            errno = LibC.EBADF;
        }

        return total;
    }

    private ValueTask<bool> SendFailed(int errno)
    {
        // After our own abort or dispose the send fails because we shut the socket down: that is "closed".
        if (Volatile.Read(ref _aborted) != 0 || Volatile.Read(ref _disposed) != 0)
        {
            return new ValueTask<bool>(false);
        }

        return ValueTask.FromException<bool>(SocketErrors.ToException(errno));
    }

    private async ValueTask<bool> SendWhenWritableAsync(ReadOnlyMemory<byte> rest)
    {
        while (true)
        {
            var writable = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (Gate)
            {
                if (_aborted != 0 || _disposed != 0)
                {
                    return false;
                }

                _writable = writable;
                UpdateInterest();
            }

            if (!await writable.Task.ConfigureAwait(false))
            {
                return false;
            }

            int sent = SendNow(rest.Span, out int errno);
            if (sent == rest.Length)
            {
                return true;
            }

            if (errno != LibC.EAGAIN)
            {
                return await SendFailed(errno).ConfigureAwait(false);
            }

            rest = rest.Slice(sent);
        }
    }

    private void WakeSender(bool canSend)
    {
        TaskCompletionSource<bool>? writable;
        lock (Gate)
        {
            writable = _writable;
            if (writable is null)
            {
                return;
            }

            _writable = null;
            UpdateInterest();
        }

        writable.TrySetResult(canSend);
    }

    private async Task PumpOutputAsync(PipeReader reader)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                bool open = true;
                foreach (var segment in result.Buffer)
                {
                    if (!await SendAsync(segment).ConfigureAwait(false))
                    {
                        open = false;
                        break;
                    }
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || !open)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await reader.CompleteAsync(ex).ConfigureAwait(false);
        }
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        // shutdown(2) wakes the loop with EPOLLHUP: a reader the loop serves then sees the abort as the
        // input's end. A paused reader is not the loop's: its input is ended here, after what it holds.
        bool endHere;
        lock (Gate)
        {
            if (_aborted != 0)
            {
                return;
            }

            _abortReason = abortReason;
            Volatile.Write(ref _aborted, 1);
            endHere = _read == ReadState.Paused;
            if (endHere)
            {
                _read = ReadState.Done;
                UpdateInterest();
            }
        }

        if (endHere)
        {
            _input.CompleteWriter(abortReason);
        }

        ShutdownSocket();
        WakeSender(false);
        _output?.Reader.CancelPendingRead();
        _closed?.Cancel();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _input.Complete();
        if (_output is not null)
        {
            // What the application wrote to the output goes out before the socket closes.
            await _output.Writer.CompleteAsync().ConfigureAwait(false);
            await _outputPump!.ConfigureAwait(false);
        }

        WakeSender(false);
        lock (Gate)
        {
            Unregister();
        }

        _loop.Release(Key);

        // Like Kestrel: FIN after what is queued, then close.
        ShutdownSocket();
        _socket.Dispose();
        _closed?.Cancel();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void ShutdownSocket()
    {
        try
        {
            LibC.shutdown(_handle, LibC.SHUT_RDWR);
        }
        catch (ObjectDisposedException)
        {
            // Closed already.
        }
    }

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => _otherFeatures?.Revision ?? 0;

    object? IFeatureCollection.this[Type key]
    {
        get => OwnFeature(key) ?? _otherFeatures?[key];
        set => (_otherFeatures ??= new FeatureCollection())[key] = value;
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default
        => (TFeature?)(OwnFeature(typeof(TFeature)) ?? _otherFeatures?[typeof(TFeature)]);

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default
        => (_otherFeatures ??= new FeatureCollection())[typeof(TFeature)] = instance;

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        yield return new(typeof(IConnectionSendFeature), this);
        yield return new(typeof(IConnectionSocketFeature), this);
        yield return new(typeof(IDeferredWorkFeature), this);
        if (_otherFeatures is not null)
        {
            foreach (var feature in _otherFeatures)
            {
                yield return feature;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();

    private EpollConnection? OwnFeature(Type type)
        => type == typeof(IConnectionSendFeature) || type == typeof(IConnectionSocketFeature) || type == typeof(IDeferredWorkFeature) || type == typeof(IConnectionHandoverFeature) ? this : null;

    void IConnectionHandoverFeature.StopReceiving()
    {
        lock (Gate)
        {
            // Done is never armed again (a resume only re-arms a pause): the loop does not recv for it any more.
            _read = ReadState.Done;
            UpdateInterest();
        }
    }

    Socket IConnectionHandoverFeature.Release()
    {
        // As DisposeAsync, without its shutdown(2) and close: the socket lives on in another process.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            WakeSender(false);
            lock (Gate)
            {
                Unregister();
            }

            _loop.Release(Key);
            _closed?.Cancel();
        }

        return _socket;
    }

    bool IDeferredWorkFeature.TryRunAfterCurrentEvents(IThreadPoolWorkItem work) => _loop.TryDefer(work);
}
