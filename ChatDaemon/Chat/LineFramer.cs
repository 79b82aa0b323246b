using System.Buffers;

namespace ChatDaemon.Chat;

/// <summary>What <see cref="LineFramer.TryRead"/> found.</summary>
public enum FrameKind
{
    /// <summary>No complete line yet.</summary>
    None,

    /// <summary>A line, without its LF or CRLF.</summary>
    Line,

    /// <summary>A line over the limit began; it is discarded up to and including its LF (reported once per line).</summary>
    TooLong,
}

/// <summary>
/// Splits a byte stream into lines ending in LF or CRLF, with a length limit: an over-long line
/// is reported once and skipped without buffering it, so a client cannot make the server hold
/// more than the limit for it.
/// </summary>
public struct LineFramer(int maxLineBytes)
{
    private bool _discarding;

    /// <summary>The longest line accepted (without its ending); 0 means no limit.</summary>
    public int MaxLineBytes { get; set; } = maxLineBytes;

    /// <summary>
    /// Whether an over-long line was reported and its rest is being skipped up to its LF. Set when a framer
    /// carries on from another's stream (a restored session), so the rest of that line is not taken for a new one.
    /// </summary>
    public bool IsSkippingLongLine
    {
        readonly get => _discarding;
        set => _discarding = value;
    }

    /// <summary>
    /// Takes the next frame from the front of <paramref name="buffer"/>, which is advanced past what was consumed.
    /// Returns <see cref="FrameKind.None"/> when more data is needed; the caller then marks the rest as examined.
    /// </summary>
    public FrameKind TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        while (true)
        {
            line = default;
            SequencePosition? lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (_discarding)
                {
                    buffer = buffer.Slice(buffer.End);
                    return FrameKind.None;
                }

                // +1: a line of exactly the limit may be waiting for the LF after its CR.
                if (MaxLineBytes > 0 && buffer.Length > MaxLineBytes + 1)
                {
                    _discarding = true;
                    buffer = buffer.Slice(buffer.End);
                    return FrameKind.TooLong;
                }

                return FrameKind.None;
            }

            var content = buffer.Slice(0, lf.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
            if (_discarding)
            {
                _discarding = false;
                continue;
            }

            if (content.Length > 0 && EndsWithCr(content))
            {
                content = content.Slice(0, content.Length - 1);
            }

            if (MaxLineBytes > 0 && content.Length > MaxLineBytes)
            {
                return FrameKind.TooLong;
            }

            line = content;
            return FrameKind.Line;
        }
    }

    /// <summary>Complete lines (LFs) in <paramref name="buffer"/>: what a client sent that was never read.</summary>
    public static int CountLines(in ReadOnlySequence<byte> buffer)
    {
        int lines = 0;
        foreach (var segment in buffer)
        {
            lines += segment.Span.Count((byte)'\n');
        }

        return lines;
    }

    private static bool EndsWithCr(in ReadOnlySequence<byte> content)
    {
        if (content.IsSingleSegment)
        {
            return content.FirstSpan[^1] == (byte)'\r';
        }

        return content.Slice(content.Length - 1).FirstSpan[0] == (byte)'\r';
    }
}
