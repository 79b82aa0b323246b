using System.Text;

namespace ChatDaemon.Logging.Journal;

// Writes one field of the journal native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/):
// NAME=value\n, or, when the value contains a newline, NAME\n followed by the value's
// length as a 64-bit little-endian integer, the value, and \n.
internal static class JournalFieldWriter
{
    public static void Write(PooledByteBuffer buffer, string name, ReadOnlySpan<char> value)
    {
        buffer.WriteUtf8(name);
        if (value.Contains('\n'))
        {
            buffer.Write((byte)'\n');
            var lengthPosition = buffer.ReserveUInt64();
            var start = buffer.Length;
            buffer.WriteUtf8(value);
            buffer.PatchUInt64LittleEndian(lengthPosition, (ulong)(buffer.Length - start));
        }
        else
        {
            buffer.Write((byte)'=');
            buffer.WriteUtf8(value);
        }

        buffer.Write((byte)'\n');
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

        buffer.WriteUtf8(name);
        if (hasNewline)
        {
            buffer.Write((byte)'\n');
            var lengthPosition = buffer.ReserveUInt64();
            var start = buffer.Length;
            buffer.WriteUtf8(value);
            buffer.PatchUInt64LittleEndian(lengthPosition, (ulong)(buffer.Length - start));
        }
        else
        {
            buffer.Write((byte)'=');
            buffer.WriteUtf8(value);
        }

        buffer.Write((byte)'\n');
    }

    public static void Write(PooledByteBuffer buffer, string name, long value)
    {
        buffer.WriteUtf8(name);
        buffer.Write((byte)'=');
        buffer.WriteDecimal(value);
        buffer.Write((byte)'\n');
    }
}
