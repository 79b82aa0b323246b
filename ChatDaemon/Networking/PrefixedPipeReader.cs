using System.Buffers;
using System.IO.Pipelines;

namespace ChatDaemon.Networking;

/// <summary>
/// A <see cref="PipeReader"/> that yields bytes carried over from elsewhere before those of its inner reader, as
/// one stream: the input another process had read from a connection and not yet handled when it handed the
/// connection over (a partial line, or lines held back by a rate limit). Once the carried bytes are consumed it
/// is the inner reader.
/// </summary>
/// <remarks>
/// A consumer that consumes only part of the carried bytes and wants more (a partial line waiting for its end)
/// gets them joined with the inner reader's next bytes; those are then copied behind the carried ones and
/// consumed from the inner reader, so the inner reader never holds a position of this reader's sequences.
/// The copy grows only until the consumer takes a line, which its line limit bounds.
/// </remarks>
public sealed class PrefixedPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private byte[] _carried;
    private bool _carriedExamined; // the consumer saw all of the carried bytes and waits for more
    private bool _cancelNext;
    private bool _holdingInner; // the read in progress joined the inner reader's buffer
    private ReadOnlySequence<byte> _innerBuffer;
    private ReadOnlySequence<byte> _joined;

    public PrefixedPipeReader(ReadOnlyMemory<byte> carried, PipeReader inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _carried = carried.ToArray();
        _inner = inner;
    }

    /// <summary>Carried bytes not yet consumed.</summary>
    public int CarriedBytes => _carried.Length;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_carried.Length == 0)
        {
            return _inner.ReadAsync(cancellationToken);
        }

        if (!_carriedExamined || _cancelNext)
        {
            return new ValueTask<ReadResult>(CarriedAlone());
        }

        return ReadJoinedAsync(cancellationToken);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_carried.Length == 0)
        {
            return _inner.TryRead(out result);
        }

        if (_inner.TryRead(out var innerResult))
        {
            result = Join(innerResult);
            return true;
        }

        if (!_carriedExamined || _cancelNext)
        {
            result = CarriedAlone();
            return true;
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_carried.Length == 0 && !_holdingInner)
        {
            _inner.AdvanceTo(consumed, examined);
            return;
        }

        long consumedAt = _joined.GetOffset(consumed);
        long examinedAt = Math.Max(consumedAt, _joined.GetOffset(examined));
        long joinedLength = _joined.Length;
        int carried = _carried.Length;
        _joined = default;
        if (!_holdingInner)
        {
            _carried = _carried.AsSpan((int)consumedAt).ToArray();
            _carriedExamined = examinedAt == joinedLength;
            return;
        }

        _holdingInner = false;
        var innerBuffer = _innerBuffer;
        _innerBuffer = default;
        if (consumedAt >= carried)
        {
            _carried = [];
            _inner.AdvanceTo(innerBuffer.GetPosition(consumedAt - carried), innerBuffer.GetPosition(examinedAt - carried));
            return;
        }

        // Not even the carried bytes are used up: what the inner reader gave joins them, and is consumed from it.
        var rest = new byte[carried - consumedAt + innerBuffer.Length];
        _carried.AsSpan((int)consumedAt).CopyTo(rest);
        innerBuffer.CopyTo(rest.AsSpan(carried - (int)consumedAt));
        _carried = rest;
        _carriedExamined = examinedAt == joinedLength;
        _inner.AdvanceTo(innerBuffer.End);
    }

    public override void CancelPendingRead()
    {
        // The next read is of the carried bytes alone while the consumer has not seen them all; else it waits
        // on the inner reader, which is the one to cancel (once: a cancel left on it would end a later read).
        if (_carried.Length > 0 && !_carriedExamined)
        {
            _cancelNext = true;
            return;
        }

        _inner.CancelPendingRead();
    }

    public override void Complete(Exception? exception = null)
    {
        _carried = [];
        _inner.Complete(exception);
    }

    private async ValueTask<ReadResult> ReadJoinedAsync(CancellationToken cancellationToken)
    {
        var result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Join(result);
    }

    private ReadResult CarriedAlone()
    {
        bool canceled = _cancelNext;
        _cancelNext = false;
        _joined = new ReadOnlySequence<byte>(_carried);
        return new ReadResult(_joined, canceled, isCompleted: false);
    }

    private ReadResult Join(ReadResult innerResult)
    {
        _cancelNext = false;
        _holdingInner = true;
        _innerBuffer = innerResult.Buffer;
        var first = new Segment(_carried, 0);
        var last = first;
        foreach (var memory in innerResult.Buffer)
        {
            if (!memory.IsEmpty)
            {
                last = last.Append(memory);
            }
        }

        _joined = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        return new ReadResult(_joined, innerResult.IsCanceled, innerResult.IsCompleted);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
