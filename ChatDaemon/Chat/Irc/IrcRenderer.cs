using System.Text;

namespace ChatDaemon.Chat.Irc;

/// <summary>
/// How IRC words a <see cref="ChatMessage"/> (RFC 2812 section 3): PRIVMSG and NOTICE to "#room" or to a nick,
/// CTCP ACTION for actions, JOIN, PART, QUIT, NICK and TOPIC, each from "nick!user@host". One instance for the
/// server: a broadcast is rendered once for all IRC members (<see cref="ChatMessage.RenderFor"/>), so nothing in
/// it may depend on the recipient.
/// </summary>
public sealed class IrcRenderer : IChatRenderer
{
    public const string ProtocolNameValue = "irc";

    private const byte Ctcp = 0x01;

    public static IrcRenderer Instance { get; } = new();

    private IrcRenderer()
    {
    }

    public string ProtocolName => ProtocolNameValue;

    public byte[] Render(ChatMessage message)
    {
        string source = IrcText.Source(message.From, message.FromUserHost);
        return message.Kind switch
        {
            ChatMessageKind.Say => Text(source, "PRIVMSG", IrcText.Channel(message.Room), message, action: false),
            ChatMessageKind.Action => Text(source, "PRIVMSG", IrcText.Channel(message.Room), message, action: true),
            ChatMessageKind.Notice => Text(source, "NOTICE", IrcText.Channel(message.Room), message, action: false),
            ChatMessageKind.Private => Text(source, "PRIVMSG", message.Room, message, action: false),
            ChatMessageKind.PrivateAction => Text(source, "PRIVMSG", message.Room, message, action: true),
            ChatMessageKind.PrivateNotice => Text(source, "NOTICE", message.Room, message, action: false),
            ChatMessageKind.Joined => IrcText.Line(source, "JOIN", IrcText.Channel(message.Room)),
            ChatMessageKind.Left => message.Detail.Length == 0
                ? IrcText.Line(source, "PART", IrcText.Channel(message.Room))
                : IrcText.Line(source, "PART", IrcText.Channel(message.Room), message.Detail),
            ChatMessageKind.Quit => IrcText.TextLine(source, "QUIT", message.Detail.Length == 0 ? "Quit" : "Quit: " + message.Detail),
            ChatMessageKind.Disconnected => IrcText.TextLine(source, "QUIT", message.Detail.Length == 0 ? "Connection closed" : message.Detail),
            ChatMessageKind.NickChanged => IrcText.Line(source, "NICK", message.Detail),
            ChatMessageKind.TopicChanged => IrcText.Line(source, "TOPIC", IrcText.Channel(message.Room), Encoding.UTF8.GetString(message.Text.Span)),
            // modern.ircdocs.horse, "INVITE message": the target gets an INVITE with the inviter as its source.
            ChatMessageKind.Invited => IrcText.Line(source, "INVITE", message.Detail, IrcText.Channel(message.Room)),
            // No prefix: "the message originated from the connection from which it was received" (RFC 2812
            // section 2.3), the server; the renderer is shared and does not know the server's name.
            ChatMessageKind.ServerNotice => IrcText.TextLine(null, "NOTICE", IrcText.Channel(message.Room), "*** " + Encoding.UTF8.GetString(message.Text.Span)),
            ChatMessageKind.ServerNoticeToMember => IrcText.TextLine(null, "NOTICE", message.Room, "*** " + Encoding.UTF8.GetString(message.Text.Span)),
            _ => throw new ArgumentOutOfRangeException(nameof(message), message.Kind, "no IRC wording"),
        };
    }

    /// <summary>
    /// ":source COMMAND target :text" for each line of the message, into one exact-size array. A line longer than
    /// an IRC line can carry (a line-protocol client may send up to Limits:MaxLineBytes) goes out in pieces, cut
    /// at character boundaries, so every line a client gets fits in 512 bytes (RFC 2812 section 2.3).
    /// </summary>
    private static byte[] Text(string source, string command, string target, ChatMessage message, bool action)
    {
        byte[] head = Encoding.UTF8.GetBytes($":{source} {command} {target} :");
        int extra = action ? "\u0001ACTION \u0001".Length : 0;
        int room = Math.Max(IrcText.MaxLineBytes - 2 - head.Length - extra, 16);
        int size = 0;
        foreach (var line in message.Lines)
        {
            foreach (var piece in new Pieces(line, room))
            {
                size += head.Length + extra + piece.Length + 2;
            }
        }

        var bytes = new byte[size];
        var rest = bytes.AsSpan();
        foreach (var line in message.Lines)
        {
            foreach (var piece in new Pieces(line, room))
            {
                head.CopyTo(rest);
                int n = head.Length;
                if (action)
                {
                    rest[n++] = Ctcp;
                    n += Encoding.ASCII.GetBytes("ACTION ", rest[n..]);
                }

                piece.CopyTo(rest[n..]);
                n += piece.Length;
                if (action)
                {
                    rest[n++] = Ctcp;
                }

                rest[n++] = (byte)'\r';
                rest[n++] = (byte)'\n';
                rest = rest[n..];
            }
        }

        return bytes;
    }

    /// <summary>A line in pieces of at most a given number of bytes, never splitting a UTF-8 character; an empty line is one empty piece.</summary>
    private ref struct Pieces(ReadOnlySpan<byte> line, int most)
    {
        private ReadOnlySpan<byte> _rest = line;
        private bool _started;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Pieces GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_started && _rest.IsEmpty)
            {
                return false;
            }

            _started = true;
            int cut = Math.Min(most, _rest.Length);
            while (cut < _rest.Length && cut > 0 && (_rest[cut] & 0xC0) == 0x80)
            {
                cut--;
            }

            Current = _rest[..cut];
            _rest = _rest[cut..];
            return true;
        }
    }
}
