using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace ChatDaemon.Networking.Epoll;

/// <summary>
/// The input of an <see cref="EpollConnection"/>: a <see cref="PipeReader"/> over one pooled array that the
/// event loop receives into. It holds an array only while bytes wait to be read (an idle connection holds
/// none), grows it up to <see cref="MaxBytes"/> for a reader that examines without consuming (a long line;
/// further only while the reader has examined everything and so cannot go on without more), and tells the connection to stop receiving when it is full and to start again when the reader frees
/// room, which is how TCP pushes back on a client that sends faster than it is served. A waiting reader
/// is resumed inline on the thread that received: the protocol runs on the event loop.
/// The loop is the only writer; the reader may run on any thread; both sides take this object's lock.
/// </summary>
internal sealed class ReceiveBuffer : PipeReader, IValueTaskSource<ReadResult>
{
    /// <summary>Unread bytes at which receiving pauses (the same default as a <see cref="Pipe"/>'s pause threshold).</summary>
    public const int MaxBytes = 64 * 1024;

    private const int InitialBytes = 4096;

    private readonly IReceiveBufferOwner _owner;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _examined;
    private bool _receiving;
    private bool _holding;
    private bool _full;
    private bool _writerDone;
    private bool _readerDone;
    private bool _cancelNext;
    private bool _waiting;
    private Exception? _writerError;
    private CancellationTokenRegistration _cancellation;
    private ManualResetValueTaskSourceCore<ReadResult> _read;

    public ReceiveBuffer(IReceiveBufferOwner owner)
    {
        _owner = owner;
    }

    /// <summary>Bytes of pooled array held now (0 when nothing waits to be read).</summary>
    internal int HeldBytes
    {
        get
        {
            lock (this)
            {
                return _buffer?.Length ?? 0;
            }
        }
    }

    /// <summary>
    /// Loop side: room to receive into, or an empty segment when there is none (the reader must make room
    /// first: the owner is told through <see cref="IReceiveBufferOwner.ResumeReceiving"/>) or the reader is gone.
    /// </summary>
    public ArraySegment<byte> BeginReceive()
    {
        lock (this)
        {
            if (_readerDone || _writerDone)
            {
                return default;
            }

            if (_buffer is null)
            {
                _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
                _start = _end = _examined = 0;
            }
            else if (_end == _buffer.Length && !_holding)
            {
                MakeRoom();
            }

            if (_end == _buffer.Length)
            {
                _full = true;
                return default;
            }

            _receiving = true;
            return new ArraySegment<byte>(_buffer, _end, _buffer.Length - _end);
        }
    }

    /// <summary>Loop side: <paramref name="count"/> bytes arrived (0: none after all); wakes a waiting reader.</summary>
    public void EndReceive(int count)
    {
        ReadResult result;
        lock (this)
        {
            _receiving = false;
            if (_readerDone || _writerDone)
            {
                ReleaseIfEmpty();
                return;
            }

            _end += count;
            if (!_waiting || _end <= _examined)
            {
                ReleaseIfEmpty();
                return;
            }

            result = TakeResult(canceled: false);
        }

        Wake(result);
    }

    /// <summary>Loop side, or an abort from anywhere: no more bytes will come; null error for a clean end.</summary>
    public void CompleteWriter(Exception? error)
    {
        ReadResult result;
        lock (this)
        {
            if (_writerDone)
            {
                return;
            }

            _writerDone = true;
            _writerError = error;
            if (!_waiting)
            {
                return;
            }

            if (error is not null)
            {
                _waiting = false;
                result = default;
            }
            else
            {
                result = TakeResult(canceled: false);
            }
        }

        if (error is not null)
        {
            _cancellation.Unregister();
            _read.SetException(error);
        }
        else
        {
            Wake(result);
        }
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        lock (this)
        {
            if (TryReadLocked(out var result))
            {
                return new ValueTask<ReadResult>(result);
            }

            cancellationToken.ThrowIfCancellationRequested();
            _read.Reset();
            _waiting = true;
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((ReceiveBuffer)state!).CancelWait(token), this);
            }

            return new ValueTask<ReadResult>(this, _read.Version);
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        lock (this)
        {
            return TryReadLocked(out result);
        }
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        bool resume;
        lock (this)
        {
            if (!_holding)
            {
                throw new InvalidOperationException("AdvanceTo without a read to complete.");
            }

            _holding = false;
            if (_buffer is not null && (consumed.GetObject() is not null || examined.GetObject() is not null))
            {
                int newStart = Position(consumed);
                int newExamined = Position(examined);
                if (newStart < _start || newExamined < newStart || newExamined > _end)
                {
                    throw new InvalidOperationException("AdvanceTo outside the buffer that was read.");
                }

                _start = newStart;
                _examined = newExamined;
            }

            ReleaseIfEmpty();
            resume = _full && !_readerDone && (_buffer is null || _start > 0 || _buffer.Length < MaxBytes || _examined == _end);
            if (resume)
            {
                _full = false;
            }
        }

        if (resume)
        {
            _owner.ResumeReceiving();
        }
    }

    public override void CancelPendingRead()
    {
        ReadResult result;
        lock (this)
        {
            if (!_waiting)
            {
                _cancelNext = true;
                return;
            }

            result = TakeResult(canceled: true);
        }

        Wake(result);
    }

    public override void Complete(Exception? exception = null)
    {
        lock (this)
        {
            if (_readerDone)
            {
                return;
            }

            _readerDone = true;
            _holding = false;
            _start = _end;
            ReleaseIfEmpty();
        }

        _owner.ReaderCompleted();
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token)
    {
        var result = _read.GetResult(token);

        // The result refers to the array; forget it so that an array given back to the pool is not kept alive here.
        _read.Reset();
        return result;
    }

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _read.OnCompleted(continuation, state, token, flags);

    // Called under the lock.
    private bool TryReadLocked(out ReadResult result)
    {
        if (_readerDone)
        {
            throw new InvalidOperationException("Reading after the reader completed.");
        }

        if (_holding)
        {
            throw new InvalidOperationException("A read is already in progress: AdvanceTo first.");
        }

        if (_writerError is not null)
        {
            throw _writerError;
        }

        if (_cancelNext || _end > _examined || _writerDone)
        {
            result = TakeResult(_cancelNext);
            return true;
        }

        result = default;
        return false;
    }

    // Called under the lock: what the reader gets now; it holds the buffer until AdvanceTo.
    private ReadResult TakeResult(bool canceled)
    {
        _cancelNext = false;
        _waiting = false;
        _holding = true;
        var data = _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        return new ReadResult(data, canceled, _writerDone);
    }

    private void Wake(ReadResult result)
    {
        _cancellation.Unregister();

        // The reader's continuation runs here, inline: on the loop thread when data arrived.
        _read.SetResult(result);
    }

    private void CancelWait(CancellationToken token)
    {
        lock (this)
        {
            if (!_waiting)
            {
                return;
            }

            _waiting = false;
        }

        _read.SetException(new OperationCanceledException(token));
    }

    // Called under the lock with no reader holding the buffer: compacts, or grows up to MaxBytes.
    private void MakeRoom()
    {
        var buffer = _buffer!;
        if (_start > 0)
        {
            Buffer.BlockCopy(buffer, _start, buffer, 0, _end - _start);
            _end -= _start;
            _examined -= _start;
            _start = 0;
        }
        else if (buffer.Length < MaxBytes || _examined == _end)
        {
            // Past MaxBytes only for a reader that has looked at everything and needs more to go on (a line
            // longer than that, when the protocol's own line limit is off): the protocol bounds it, not we.
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length < MaxBytes ? Math.Min(buffer.Length * 2, MaxBytes) : buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(buffer);
            _buffer = larger;
        }
    }

    // Called under the lock: an empty buffer goes back to the pool unless the loop is receiving into it.
    private void ReleaseIfEmpty()
    {
        if (_buffer is not null && _start == _end && !_receiving && !_holding)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = _end = _examined = 0;
        }
    }

    private int Position(SequencePosition position)
    {
        if (position.GetObject() is not null && !ReferenceEquals(position.GetObject(), _buffer))
        {
            throw new InvalidOperationException("AdvanceTo with a position from another buffer.");
        }

        return position.GetInteger();
    }
}
