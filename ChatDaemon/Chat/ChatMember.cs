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

    public ChatMember(IChatRenderer renderer, OutboundQueue queue, ClientConnection? connection = null)
    {
        Renderer = renderer;
        Queue = queue;
        Connection = connection;
    }

    /// <summary>Empty until the hub gives it one (<see cref="ChatHub.ClaimGuestNick"/>, <see cref="ChatHub.TryClaimNick"/>).</summary>
    public string Nick { get; internal set; } = "";

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
