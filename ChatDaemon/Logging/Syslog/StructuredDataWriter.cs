namespace ChatDaemon.Logging.Syslog;

// Writes one RFC 5424 SD-ELEMENT, [SD-ID PARAM-NAME="PARAM-VALUE" ...], applying §6.3.3:
// PARAM-NAME is 1-32 PRINTUSASCII except '=', SP, ']' and '"'; in PARAM-VALUE the characters
// '"', '\' and ']' are escaped with a backslash.
internal static class StructuredDataWriter
{
    public const int MaxNameLength = 32;

    public static bool IsValidSdId(string sdId)
    {
        if (sdId.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var c in sdId)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    // The PARAM-NAME for a property: invalid characters become '_', cut to 32.
    public static string ParamName(string propertyName)
    {
        var length = Math.Min(propertyName.Length, MaxNameLength);
        for (var i = 0; i < length; i++)
        {
            if (!IsNameChar(propertyName[i]))
            {
                return string.Create(length, propertyName, static (span, source) =>
                {
                    for (var j = 0; j < span.Length; j++)
                    {
                        span[j] = IsNameChar(source[j]) ? source[j] : '_';
                    }
                });
            }
        }

        return length == propertyName.Length ? propertyName : propertyName[..length];
    }

    public static void WriteParam(PooledByteBuffer buffer, string paramName, System.Text.StringBuilder value)
    {
        buffer.Write((byte)' ');
        buffer.WriteUtf8(paramName);
        buffer.Write("=\""u8);
        foreach (var chunk in value.GetChunks())
        {
            WriteEscaped(buffer, chunk.Span);
        }

        buffer.Write((byte)'"');
    }

    public static void WriteParam(PooledByteBuffer buffer, string paramName, ReadOnlySpan<char> value)
    {
        buffer.Write((byte)' ');
        buffer.WriteUtf8(paramName);
        buffer.Write("=\""u8);
        WriteEscaped(buffer, value);
        buffer.Write((byte)'"');
    }

    private static void WriteEscaped(PooledByteBuffer buffer, ReadOnlySpan<char> value)
    {
        while (!value.IsEmpty)
        {
            var special = value.IndexOfAny('"', '\\', ']');
            if (special < 0)
            {
                buffer.WriteUtf8(value);
                return;
            }

            buffer.WriteUtf8(value[..special]);
            buffer.Write((byte)'\\');
            buffer.Write((byte)value[special]);
            value = value[(special + 1)..];
        }
    }

    private static bool IsNameChar(char c) => c is >= '!' and <= '~' and not ('=' or ']' or '"');
}
