using System.Text;

namespace ChatDaemon.Chat.Irc;

/// <summary>
/// IRC lines as the server writes them (RFC 2812 section 2.3.1): an optional ":prefix", the command, middle
/// parameters, and the last parameter written as ":trailing" when there are several (as most servers do, so a
/// client that takes the text after " :" gets it whole) or when it must be (it is empty, holds a space, or starts
/// with ':'); CRLF at the end. A line is cut to 512 bytes with its CRLF, at a character boundary.
/// </summary>
internal static class IrcText
{
    /// <summary>The longest line, CRLF included (RFC 2812 section 2.3).</summary>
    public const int MaxLineBytes = 512;

    public static byte[] Line(string? prefix, string command, params ReadOnlySpan<string> parameters) => Line(prefix, command, text: false, parameters);

    /// <summary>A line whose last parameter is free text (a quit reason): always written as trailing, even alone.</summary>
    public static byte[] TextLine(string? prefix, string command, params ReadOnlySpan<string> parameters) => Line(prefix, command, text: true, parameters);

    private static byte[] Line(string? prefix, string command, bool text, ReadOnlySpan<string> parameters)
    {
        var line = new StringBuilder(64);
        if (prefix is not null)
        {
            line.Append(':').Append(prefix).Append(' ');
        }

        line.Append(command);
        for (int i = 0; i < parameters.Length; i++)
        {
            string parameter = parameters[i];
            line.Append(' ');
            if (i == parameters.Length - 1 && (text || i > 0 || NeedsColon(parameter)))
            {
                line.Append(':');
            }

            line.Append(parameter);
        }

        return Encode(line.ToString());
    }

    /// <summary>Whether a last parameter must be written as a trailing one.</summary>
    public static bool NeedsColon(string parameter) => parameter.Length == 0 || parameter[0] == ':' || parameter.Contains(' ');

    /// <summary>UTF-8 with CRLF, cut to <see cref="MaxLineBytes"/> without splitting a character.</summary>
    public static byte[] Encode(string line)
    {
        int count = Encoding.UTF8.GetByteCount(line);
        if (count > MaxLineBytes - 2)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            int cut = MaxLineBytes - 2;
            while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
            {
                cut--;
            }

            return [.. bytes.AsSpan(0, cut), (byte)'\r', (byte)'\n'];
        }

        var result = new byte[count + 2];
        Encoding.UTF8.GetBytes(line, result);
        result[^2] = (byte)'\r';
        result[^1] = (byte)'\n';
        return result;
    }

    /// <summary>"nick!user@host", or the nick alone when the user and host are not known.</summary>
    public static string Source(string nick, string userHost) => userHost.Length == 0 ? nick : nick + "!" + userHost;

    /// <summary>The channel a room is (IRC's "#name").</summary>
    public static string Channel(string room) => "#" + room;
}
