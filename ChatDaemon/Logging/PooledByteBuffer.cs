using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ChatDaemon.Logging;

// A growable byte buffer rented from ArrayPool{T}.Shared: sinks format each event
// into one of these and return it, so steady-state logging allocates no byte arrays.
internal sealed class PooledByteBuffer : IDisposable
{
    private byte[] _array;
    private int _length;

    public PooledByteBuffer(int initialCapacity = 1024)
    {
        _array = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _length);

    public void Clear() => _length = 0;

    public void Truncate(int length) => _length = Math.Min(_length, length);

    public void Write(byte value)
    {
        Reserve(1)[0] = value;
        _length++;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    public void WriteUtf8(ReadOnlySpan<char> chars)
    {
        var written = Encoding.UTF8.GetBytes(chars, Reserve(Encoding.UTF8.GetMaxByteCount(chars.Length)));
        _length += written;
    }

    public void WriteUtf8(StringBuilder builder)
    {
        foreach (var chunk in builder.GetChunks())
        {
            WriteUtf8(chunk.Span);
        }
    }

    // Writes an ASCII decimal number (no sign for non-negative values).
    public void WriteDecimal(long value)
    {
        value.TryFormat(Reserve(20), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _length += written;
    }

    // Reserves 8 bytes for a little-endian length written later with PatchUInt64LittleEndian.
    public int ReserveUInt64()
    {
        Reserve(8);
        var position = _length;
        _length += 8;
        return position;
    }

    public void PatchUInt64LittleEndian(int position, ulong value) =>
        BinaryPrimitives.WriteUInt64LittleEndian(_array.AsSpan(position, 8), value);

    public void Dispose()
    {
        var array = _array;
        _array = Array.Empty<byte>();
        _length = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_array.Length - _length < count)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _length + count));
            _array.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }

        return _array.AsSpan(_length);
    }
}
