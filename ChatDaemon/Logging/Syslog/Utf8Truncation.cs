namespace ChatDaemon.Logging.Syslog;

// Cuts an encoded message to a byte limit without splitting a UTF-8 sequence.
internal static class Utf8Truncation
{
    public static int SafeLength(ReadOnlySpan<byte> utf8, int maxBytes)
    {
        if (utf8.Length <= maxBytes)
        {
            return utf8.Length;
        }

        var length = maxBytes;

        // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
        while (length > 0 && (utf8[length] & 0xC0) == 0x80)
        {
            length--;
        }

        return length;
    }
}
