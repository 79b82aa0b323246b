using System.Text;

namespace ChatDaemon.Chat.Line;

/// <summary>
/// How the line protocol words a <see cref="ChatMessage"/>: "&lt;nick&gt; text" per line said, "* nick action",
/// "* nick joined room", "* nick left room (reason)", "* nick left room (quit: reason)", "* old is now known as
/// new", "*nick* text" in private, "-nick- text" for a notice, "* nick set the topic of room: text"; every line
/// ends in CRLF. One instance for the whole server, so a broadcast's render is shared by every
/// line-protocol member (<see cref="ChatMessage.RenderFor"/>).
/// </summary>
public sealed class LineRenderer : IChatRenderer
{
    public static LineRenderer Instance { get; } = new();

    public string ProtocolName => LineSession.ProtocolName;

    private LineRenderer()
    {
    }

    public byte[] Render(ChatMessage message) => message.Kind switch
    {
        ChatMessageKind.Say => RenderSay(message),
        ChatMessageKind.Action => Framed("* ", message.From, " ", message.Text.Span),
        ChatMessageKind.Private => Framed("*", message.From, "* ", message.Text.Span),
        ChatMessageKind.PrivateAction => Framed("* ", message.From, " ", message.Text.Span, " (to you)"),
        ChatMessageKind.Notice or ChatMessageKind.PrivateNotice => Framed("-", message.From, "- ", message.Text.Span),
        ChatMessageKind.Joined => LineText.Notice($"{message.From} joined {message.Room}"),
        ChatMessageKind.Left => LineText.Notice(message.Detail.Length == 0 ? $"{message.From} left {message.Room}" : $"{message.From} left {message.Room} ({message.Detail})"),
        ChatMessageKind.Quit => LineText.Notice(message.Detail.Length == 0 ? $"{message.From} left {message.Room} (quit)" : $"{message.From} left {message.Room} (quit: {message.Detail})"),
        ChatMessageKind.Disconnected => LineText.Notice($"{message.From} left {message.Room}"),
        ChatMessageKind.TopicChanged => LineText.Notice(message.Text.IsEmpty
            ? $"{message.From} cleared the topic of {message.Room}"
            : $"{message.From} set the topic of {message.Room}: {Encoding.UTF8.GetString(message.Text.Span)}"),
        ChatMessageKind.NickChanged => LineText.Notice($"{message.From} is now known as {message.Detail}"),
        ChatMessageKind.Invited => LineText.Notice($"{message.From} invites you to {message.Room} (/join {message.Room})"),
        ChatMessageKind.ServerNotice or ChatMessageKind.ServerNoticeToMember => LineText.Notice(Encoding.UTF8.GetString(message.Text.Span)),
        _ => throw new ArgumentOutOfRangeException(nameof(message), message.Kind, "no line-protocol wording"),
    };

    /// <summary>"&lt;nick&gt; text\r\n" for each line, into one exact-size array.</summary>
    private static byte[] RenderSay(ChatMessage message)
    {
        int nick = Encoding.UTF8.GetByteCount(message.From);
        int size = 0;
        foreach (var line in message.Lines)
        {
            size += nick + line.Length + 5;
        }

        var bytes = new byte[size];
        var rest = bytes.AsSpan();
        foreach (var line in message.Lines)
        {
            rest[0] = (byte)'<';
            int n = 1 + Encoding.UTF8.GetBytes(message.From, rest[1..]);
            rest[n++] = (byte)'>';
            rest[n++] = (byte)' ';
            line.CopyTo(rest[n..]);
            n += line.Length;
            rest[n++] = (byte)'\r';
            rest[n++] = (byte)'\n';
            rest = rest[n..];
        }

        return bytes;
    }

    /// <summary>before + nick + after + text + end + CRLF.</summary>
    private static byte[] Framed(string before, string nick, string after, ReadOnlySpan<byte> text, string end = "")
    {
        int head = Encoding.UTF8.GetByteCount(before) + Encoding.UTF8.GetByteCount(nick) + Encoding.UTF8.GetByteCount(after);
        var bytes = new byte[head + text.Length + Encoding.UTF8.GetByteCount(end) + 2];
        int n = Encoding.UTF8.GetBytes(before, bytes);
        n += Encoding.UTF8.GetBytes(nick, bytes.AsSpan(n));
        n += Encoding.UTF8.GetBytes(after, bytes.AsSpan(n));
        text.CopyTo(bytes.AsSpan(n));
        Encoding.UTF8.GetBytes(end, bytes.AsSpan(n + text.Length));
        bytes[^2] = (byte)'\r';
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
