using ChatDaemon.Networking;

namespace ChatDaemon.Chat;

/// <summary>
/// What a room knows of one of its members: a nick, the rooms it is in, and where its messages go (an
/// <see cref="OutboundQueue"/> and the protocol that renders them). Not the session: the protocol that reads
/// the member's input lives elsewhere, so members of different protocols share rooms, and a member's state
/// can be captured as plain data (<see cref="MemberState"/>).
/// </summary>
/// <remarks>Small on purpose: there is one per connected client, and most clients are idle.</remarks>
public sealed class ChatMember
{
    private ChatRoom[] _rooms = [];
    private long _linesSent;
    private MemberProfile? _profile; // only for protocols that say who their users are: a line client has none

    public ChatMember(IChatRenderer renderer, OutboundQueue queue, ClientConnection? connection = null)
    {
        Renderer = renderer;
        Queue = queue;
        Connection = connection;
    }

    /// <summary>Empty until the hub gives it one (<see cref="ChatHub.ClaimGuestNick"/>, <see cref="ChatHub.TryClaimNick"/>).</summary>
    public string Nick { get; internal set; } = "";

    /// <summary>The user name members of protocols without one (the line protocol) are shown with.</summary>
    public const string DefaultUser = "chat";

    /// <summary>
    /// The user name it is shown with (IRC's USER; <see cref="DefaultUser"/> otherwise): no space, '@' or '!',
    /// so "nick!user@host" stays unambiguous (RFC 2812 section 2.3.1).
    /// </summary>
    public string User
    {
        get => _profile?.User ?? DefaultUser;
        set => Profile.User = value;
    }

    /// <summary>Free text about who it is (IRC's realname); null when it gave none.</summary>
    public string? RealName
    {
        get => _profile?.RealName;
        set => Profile.RealName = value;
    }

    /// <summary>Why it is away (IRC's AWAY), or null while it is here.</summary>
    public string? AwayMessage
    {
        get => _profile?.AwayMessage;
        set => Profile.AwayMessage = value;
    }

    /// <summary>
    /// What its protocol keeps beyond nick and rooms (<see cref="MemberState.Attributes"/>; IRC: registered, user,
    /// realname, away), as last published (<see cref="ChatHub.Changed"/>): what a crash can keep of it.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Attributes
    {
        get => _profile?.Attributes;
        set => Profile.Attributes = value;
    }

    /// <summary>
    /// The address it connects from: the peer's IP address, "localhost" on a unix socket. An IPv6 address that
    /// starts with ':' gets a leading 0, as IRC servers do, so that it never reads as a trailing parameter.
    /// </summary>
    public string Host
    {
        get
        {
            // Formatted, not ToString(): IPAddress keeps the string ToString() made for as long as it lives, and the
            // connection's address lives as long as the client (56 bytes per idle connection, IdleMemoryTests).
            if (Connection?.RemoteAddress is not { } address)
            {
                return "localhost";
            }

            Span<char> text = stackalloc char[64];
            address.TryFormat(text, out int length);
            return text[0] == ':' ? string.Concat("0", text[..length]) : new string(text[..length]);
        }
    }

    /// <summary>
    /// "user@host", as IRC shows a client after its nick. Made when asked (once per message said, not per
    /// recipient) rather than kept: an idle client holds no string for it (bench/ANALYSIS.md "Idle connections").
    /// </summary>
    public string UserHost => User + "@" + Host;

    private MemberProfile Profile => _profile ??= new MemberProfile();

    public IChatRenderer Renderer { get; }

    public OutboundQueue Queue { get; }

    /// <summary>The connection it is served on; its event loop runs the small fan-outs the member starts.</summary>
    public ClientConnection? Connection { get; }

    /// <summary>The rooms it is in, in the order joined (a line-protocol client is in one at a time).</summary>
    public IReadOnlyList<ChatRoom> Rooms => Volatile.Read(ref _rooms);

    /// <summary>Lines this member said in rooms.</summary>
    public long LinesSent => Interlocked.Read(ref _linesSent);

    /// <summary>Renders <paramref name="message"/> for this member's protocol and queues it.</summary>
    public void Deliver(ChatMessage message) => Queue.TryEnqueue(message.RenderFor(Renderer));

    /// <summary>
    /// Queues like <see cref="Deliver(ChatMessage)"/>, but when the member's sender must be woken it joins
    /// <paramref name="group"/>, which the broadcaster wakes with the other members' (see <see cref="DrainGroup"/>).
    /// </summary>
    internal void Deliver(ChatMessage message, ref DrainGroup? group)
    {
        Queue.TryEnqueue(message.RenderFor(Renderer), out bool mustDrain);
        if (mustDrain)
        {
            group = DrainGroup.Add(group, Queue);
        }
    }

    /// <summary>Queues bytes already in this member's protocol (a reply only it receives).</summary>
    public void Send(byte[] bytes) => Queue.TryEnqueue(bytes);

    internal void CountLines(long lines) => Interlocked.Add(ref _linesSent, lines);

    /// <summary>Runs <paramref name="work"/> once the member's event loop has handled its current round of events (the thread pool elsewhere).</summary>
    internal void RunAfterCurrentEvents(IThreadPoolWorkItem work)
    {
        if (Connection is { } connection)
        {
            connection.RunAfterCurrentEvents(work);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
        }
    }

    internal void AddRoom(ChatRoom room)
    {
        lock (this)
        {
            _rooms = [.. _rooms, room];
        }
    }

    internal void RemoveRoom(ChatRoom room)
    {
        lock (this)
        {
            int i = Array.IndexOf(_rooms, room);
            if (i >= 0)
            {
                _rooms = [.. _rooms[..i], .. _rooms[(i + 1)..]];
            }
        }
    }
}
