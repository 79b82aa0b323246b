using System.Text;

namespace ChatDaemon.Chat;

/// <summary>
/// Something said or done in the chat, in no protocol's wording: an IRC client and a line-protocol client in
/// one room receive the same message, each rendered by its own protocol. A broadcast renders it once per
/// protocol, not once per recipient: the bytes of the first render for a protocol are kept and shared.
/// </summary>
/// <remarks>
/// Rendering happens on the thread that delivers the message (the broadcaster), one member after another, so
/// the small cache needs no lock. A message is not handed to several broadcasters at once.
/// </remarks>
public sealed class ChatMessage
{
    private IChatRenderer? _firstRenderer;
    private byte[]? _first;
    private IChatRenderer? _secondRenderer;
    private byte[]? _second;

    private ChatMessage(ChatMessageKind kind, string from, string room, ReadOnlyMemory<byte> text, string detail, string fromUserHost)
    {
        Kind = kind;
        From = from;
        FromUserHost = fromUserHost;
        Room = room;
        Text = text;
        Detail = detail;
    }

    public ChatMessageKind Kind { get; }

    /// <summary>The nick of who said or did it.</summary>
    public string From { get; }

    /// <summary>
    /// Who said or did it as "user@host" (<see cref="ChatMember.UserHost"/>), for protocols that show it (IRC's
    /// nick!user@host prefix); empty when not known.
    /// </summary>
    public string FromUserHost { get; }

    /// <summary>The room it happened in; for a message to one member (<see cref="ChatMessageKind.Private"/>, <see cref="ChatMessageKind.PrivateAction"/>, <see cref="ChatMessageKind.PrivateNotice"/>) the recipient's nick.</summary>
    public string Room { get; }

    /// <summary>
    /// Sanitised UTF-8 text, without line ends. For <see cref="ChatMessageKind.Say"/>, one or more lines joined
    /// by LF (a burst read together is relayed as one message; see <see cref="Lines"/>).
    /// </summary>
    public ReadOnlyMemory<byte> Text { get; }

    /// <summary>The reason of a leave, quit or disconnection, or the new nick of a nick change; empty otherwise.</summary>
    public string Detail { get; }

    public static ChatMessage Say(string from, string room, ReadOnlyMemory<byte> lines, string fromUserHost = "") => new(ChatMessageKind.Say, from, room, lines, "", fromUserHost);

    public static ChatMessage Action(string from, string room, string text, string fromUserHost = "") => new(ChatMessageKind.Action, from, room, Encoding.UTF8.GetBytes(text), "", fromUserHost);

    public static ChatMessage Joined(string nick, string room, string fromUserHost = "") => new(ChatMessageKind.Joined, nick, room, default, "", fromUserHost);

    public static ChatMessage Left(string nick, string room, string reason, string fromUserHost = "") => new(ChatMessageKind.Left, nick, room, default, reason, fromUserHost);

    public static ChatMessage Quit(string nick, string room, string reason, string fromUserHost = "") => new(ChatMessageKind.Quit, nick, room, default, reason, fromUserHost);

    public static ChatMessage Disconnected(string nick, string room, string how, string fromUserHost = "") => new(ChatMessageKind.Disconnected, nick, room, default, how, fromUserHost);

    public static ChatMessage NickChanged(string oldNick, string newNick, string room, string fromUserHost = "") => new(ChatMessageKind.NickChanged, oldNick, room, default, newNick, fromUserHost);

    public static ChatMessage Private(string from, string to, string text, string fromUserHost = "") => new(ChatMessageKind.Private, from, to, Encoding.UTF8.GetBytes(text), "", fromUserHost);

    public static ChatMessage PrivateAction(string from, string to, string text, string fromUserHost = "") => new(ChatMessageKind.PrivateAction, from, to, Encoding.UTF8.GetBytes(text), "", fromUserHost);

    public static ChatMessage Notice(string from, string room, string text, string fromUserHost = "") => new(ChatMessageKind.Notice, from, room, Encoding.UTF8.GetBytes(text), "", fromUserHost);

    public static ChatMessage PrivateNotice(string from, string to, string text, string fromUserHost = "") => new(ChatMessageKind.PrivateNotice, from, to, Encoding.UTF8.GetBytes(text), "", fromUserHost);

    public static ChatMessage TopicChanged(string from, string room, string topic, string fromUserHost = "") => new(ChatMessageKind.TopicChanged, from, room, Encoding.UTF8.GetBytes(topic), "", fromUserHost);

    public static ChatMessage Invited(string from, string to, string room, string fromUserHost = "") => new(ChatMessageKind.Invited, from, room, default, to, fromUserHost);

    public static ChatMessage ServerNotice(string room, string text) => new(ChatMessageKind.ServerNotice, "", room, Encoding.UTF8.GetBytes(text), "", "");

    public static ChatMessage ServerNoticeTo(string nick, string text) => new(ChatMessageKind.ServerNoticeToMember, "", nick, Encoding.UTF8.GetBytes(text), "", "");

    /// <summary>
    /// A message rebuilt from its parts (one that crossed from another instance): the same fields a factory above
    /// fills for <paramref name="kind"/>.
    /// </summary>
    public static ChatMessage FromParts(ChatMessageKind kind, string from, string room, ReadOnlyMemory<byte> text, string detail, string fromUserHost) =>
        new(kind, from, room, text, detail, fromUserHost);

    /// <summary>The lines of <see cref="Text"/> (one unless a <see cref="ChatMessageKind.Say"/> carries a burst).</summary>
    public LineEnumerator Lines => new(Text.Span);

    /// <summary>
    /// The bytes <paramref name="renderer"/> sends for this message: rendered by the first member of that
    /// protocol it is delivered to and shared by the rest. Two protocols are kept; a third is rendered each time.
    /// </summary>
    public byte[] RenderFor(IChatRenderer renderer)
    {
        if (ReferenceEquals(renderer, _firstRenderer))
        {
            return _first!;
        }

        if (ReferenceEquals(renderer, _secondRenderer))
        {
            return _second!;
        }

        var bytes = renderer.Render(this);
        if (_firstRenderer is null)
        {
            (_firstRenderer, _first) = (renderer, bytes);
        }
        else if (_secondRenderer is null)
        {
            (_secondRenderer, _second) = (renderer, bytes);
        }

        return bytes;
    }

    /// <summary>Walks LF-separated lines without allocating.</summary>
    public ref struct LineEnumerator(ReadOnlySpan<byte> text)
    {
        private ReadOnlySpan<byte> _rest = text;
        private bool _done = text.IsEmpty;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly LineEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done)
            {
                return false;
            }

            int lf = _rest.IndexOf((byte)'\n');
            if (lf < 0)
            {
                Current = _rest;
                _done = true;
            }
            else
            {
                Current = _rest[..lf];
                _rest = _rest[(lf + 1)..];
            }

            return true;
        }
    }
}
