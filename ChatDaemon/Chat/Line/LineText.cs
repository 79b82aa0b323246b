using System.Text;

namespace ChatDaemon.Chat.Line;

/// <summary>
/// The line protocol's wording of what the server sends: every line ends in CRLF; notices start with "* ",
/// errors with "! ". Each is encoded once into one array that every recipient shares.
/// </summary>
public static class LineText
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    public static byte[] Notice(string text) => Line("* " + text);

    public static byte[] Error(string text) => Line("! " + text);

    public static byte[] Line(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 2];
        int n = Encoding.UTF8.GetBytes(text, bytes);
        Crlf.CopyTo(bytes.AsSpan(n));
        return bytes;
    }

    public static readonly byte[] ShuttingDown = Notice("server shutting down");
    public static readonly byte[] ServerFull = Error("server full");
    public static readonly byte[] TooManyFromAddress = Error("too many connections from your address");
    public static readonly byte[] Bye = Notice("bye");
}
