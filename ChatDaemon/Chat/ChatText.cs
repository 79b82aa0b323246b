using System.Text;

namespace ChatDaemon.Chat;

/// <summary>
/// Encodes what the server sends: every line ends in CRLF; notices start with "* ", errors with "! ",
/// room messages are "&lt;nick&gt; text". Each is encoded once into one array that every recipient shares.
/// </summary>
public static class ChatText
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

    /// <summary>"&lt;nick&gt; text\r\n" from an ASCII nick and already sanitised UTF-8 text.</summary>
    public static byte[] RoomMessage(byte[] nick, ReadOnlySpan<byte> text)
    {
        var bytes = new byte[RoomMessageLength(nick, text)];
        WriteRoomMessage(bytes, nick, text);
        return bytes;
    }

    public static int RoomMessageLength(ReadOnlySpan<byte> nick, ReadOnlySpan<byte> text) => nick.Length + text.Length + 5;

    /// <summary>Writes "&lt;nick&gt; text\r\n" into exactly <see cref="RoomMessageLength"/> bytes of <paramref name="destination"/>.</summary>
    public static void WriteRoomMessage(Span<byte> destination, ReadOnlySpan<byte> nick, ReadOnlySpan<byte> text)
    {
        destination[0] = (byte)'<';
        nick.CopyTo(destination[1..]);
        int i = nick.Length + 1;
        destination[i++] = (byte)'>';
        destination[i++] = (byte)' ';
        text.CopyTo(destination[i..]);
        Crlf.CopyTo(destination[(i + text.Length)..]);
    }

    /// <summary>"* nick action\r\n" for /me.</summary>
    public static byte[] Action(byte[] nick, ReadOnlySpan<byte> text)
    {
        var bytes = new byte[nick.Length + text.Length + 5];
        var span = bytes.AsSpan();
        span[0] = (byte)'*';
        span[1] = (byte)' ';
        nick.CopyTo(span[2..]);
        int i = nick.Length + 2;
        span[i++] = (byte)' ';
        text.CopyTo(span[i..]);
        Crlf.CopyTo(span[(i + text.Length)..]);
        return bytes;
    }

    public static readonly byte[] ShuttingDown = Notice("server shutting down");
    public static readonly byte[] ServerFull = Error("server full");
    public static readonly byte[] TooManyFromAddress = Error("too many connections from your address");
    public static readonly byte[] Bye = Notice("bye");

    public static IReadOnlyList<byte[]> Help { get; } =
    [
        Notice("commands:"),
        Notice("  /nick NAME        change your nick (" + NickName.Rule + ")"),
        Notice("  /join ROOM        leave your room and join ROOM (created on demand)"),
        Notice("  /who              who is in your room"),
        Notice("  /rooms            list the rooms"),
        Notice("  /msg NICK text    private message"),
        Notice("  /me action        tell the room what you do"),
        Notice("  /quit [reason]    leave"),
        Notice("  /help             this text"),
        Notice("any other line goes to everyone in your room; start it with // to send a line that begins with /"),
    ];
}
