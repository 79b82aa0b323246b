namespace ChatDaemon.Chat.Irc;

/// <summary>
/// Splits a client's IRC line (RFC 2812 section 2.3.1, with modern.ircdocs.horse's leniency: several spaces
/// between parameters) into its command and parameters, as ranges of the line: nothing is copied, so the
/// message path (PRIVMSG to a channel) allocates nothing. Message tags ("@...") and a prefix a client sends
/// are skipped: the server knows who the client is.
/// </summary>
internal static class IrcLineParser
{
    /// <summary>At most 15 parameters; after the 14th middle one the rest of the line is the last (RFC 2812).</summary>
    public const int MaxParameters = 15;

    /// <summary>
    /// Parses <paramref name="line"/> (without its line end); the number of parameters in
    /// <paramref name="parameters"/> (at least <see cref="MaxParameters"/> long), or -1 when the line has no command.
    /// </summary>
    public static int Parse(ReadOnlySpan<byte> line, Span<Range> parameters, out Range command)
    {
        command = default;
        int at = SkipSpaces(line, 0);
        if (at < line.Length && line[at] == (byte)'@')
        {
            at = SkipSpaces(line, NextSpace(line, at));
        }

        if (at < line.Length && line[at] == (byte)':')
        {
            at = SkipSpaces(line, NextSpace(line, at));
        }

        if (at >= line.Length)
        {
            return -1;
        }

        int end = NextSpace(line, at);
        command = at..end;
        int count = 0;
        at = SkipSpaces(line, end);
        while (at < line.Length)
        {
            if (line[at] == (byte)':' || count == MaxParameters - 1)
            {
                int from = line[at] == (byte)':' ? at + 1 : at;
                parameters[count++] = from..line.Length;
                break;
            }

            end = NextSpace(line, at);
            parameters[count++] = at..end;
            at = SkipSpaces(line, end);
        }

        return count;
    }

    private static int NextSpace(ReadOnlySpan<byte> line, int from)
    {
        int space = line[from..].IndexOf((byte)' ');
        return space < 0 ? line.Length : from + space;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> line, int from)
    {
        while (from < line.Length && line[from] == (byte)' ')
        {
            from++;
        }

        return from;
    }
}
