using System.Text;

namespace ChatDaemon.Logging.Journal;

// Writes one field of the journal native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/):
// NAME=value\n, or, when the value contains a newline, NAME\n followed by the value's
// length as a 64-bit little-endian integer, the value, and \n.
internal static class JournalFieldWriter
{
    public static void Write(PooledByteBuffer buffer, string name, ReadOnlySpan<char> value)
    {
        var lengthPosition = BeginField(buffer, name, value.Contains('\n'));
        buffer.WriteUtf8(value);
        EndField(buffer, lengthPosition);
    }

    public static void Write(PooledByteBuffer buffer, string name, StringBuilder value)
    {
        var hasNewline = false;
        foreach (var chunk in value.GetChunks())
        {
            if (chunk.Span.Contains('\n'))
            {
                hasNewline = true;
                break;
            }
        }

        var lengthPosition = BeginField(buffer, name, hasNewline);
        buffer.WriteUtf8(value);
        EndField(buffer, lengthPosition);
    }

    public static void Write(PooledByteBuffer buffer, string name, long value)
    {
        buffer.WriteUtf8(name);
        buffer.Write((byte)'=');
        buffer.WriteDecimal(value);
        buffer.Write((byte)'\n');
    }

    // Writes the name and what separates it from the value: '=' for a value without a newline
    // (returns -1), otherwise '\n' and 8 reserved bytes for the value's length (returns their position).
    private static int BeginField(PooledByteBuffer buffer, string name, bool hasNewline)
    {
        buffer.WriteUtf8(name);
        if (!hasNewline)
        {
            buffer.Write((byte)'=');
            return -1;
        }

        buffer.Write((byte)'\n');
        return buffer.ReserveUInt64();
    }

    // Fills in the reserved length (the value's bytes follow it) and ends the field.
    private static void EndField(PooledByteBuffer buffer, int lengthPosition)
    {
        if (lengthPosition >= 0)
        {
            var valueStart = lengthPosition + sizeof(ulong);
            buffer.PatchUInt64LittleEndian(lengthPosition, (ulong)(buffer.Length - valueStart));
        }

        buffer.Write((byte)'\n');
    }
}
