using System.Buffers;

namespace ChatDaemon.Chat;

/// <summary>
/// Lines one member said in a room that arrived in one transport read, kept back to back (LF between them)
/// and relayed as one <see cref="ChatMessage"/> of kind <see cref="ChatMessageKind.Say"/>. A burst of lines
/// is then rendered once per protocol and relayed to each member as one queued item and one write instead
/// of one per line: under load the per-member cost (queue, wake-up, send) is paid per burst, not per line,
/// which is what keeps a room's fan-out cheap. Each protocol frames every line on its own, so members see
/// exactly what they would see line by line, in the same order.
/// </summary>
internal sealed class RoomMessageBatch
{
    /// <summary>A batch is relayed once it holds this much, so no member is handed one huge item.</summary>
    public const int DefaultMaxBytes = 16 * 1024;

    private byte[]? _buffer; // rented only while lines are pending: an idle client holds no buffer
    private int _length;

    /// <summary>The room the pending lines were said in (a client of a protocol with several rooms switches it, relaying first).</summary>
    public ChatRoom? Room { get; set; }

    /// <summary>Bytes pending.</summary>
    public int Length => _length;

    public bool IsEmpty => Lines == 0;

    /// <summary>Lines pending.</summary>
    public int Lines { get; private set; }

    /// <summary>Appends one line of sanitised text (it holds no LF).</summary>
    public void Append(ReadOnlySpan<byte> text)
    {
        int size = text.Length + (_length > 0 ? 1 : 0);
        EnsureRoom(size);
        if (_length > 0)
        {
            _buffer![_length++] = (byte)'\n';
        }

        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
        Lines++;
    }

    /// <summary>The pending lines, LF between them, as one exact-size array; the batch is empty afterwards.</summary>
    public byte[] Take()
    {
        var lines = _buffer.AsSpan(0, _length).ToArray();
        Release();
        return lines;
    }

    /// <summary>Drops what is pending and gives the buffer back (the session ends).</summary>
    public void Release()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _length = 0;
        Lines = 0;
    }

    private void EnsureRoom(int size)
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 4096));
            return;
        }

        if (_buffer.Length - _length >= size)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
