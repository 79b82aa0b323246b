using System.Collections.Concurrent;

namespace ChatDaemon.Chat;

/// <summary>
/// The shared chat world: rooms by name and members by nick (both case-insensitive), whatever protocol
/// each member speaks. Rooms are created on first join and removed when the last member leaves.
/// With a <see cref="IChatBackplane"/>, what local members say and do in a room also goes to the other
/// instances, and what theirs say and do is delivered here (<see cref="DeliverFromBackplane"/>).
/// </summary>
public sealed class ChatHub
{
    private readonly IMemberObserver? _observer;
    private readonly IChatBackplane? _backplane;
    private readonly ConcurrentDictionary<string, ChatRoom> _rooms = new(RoomName.Comparer);
    private readonly ConcurrentDictionary<string, ChatMember> _nicks = new(NickName.Comparer);
    private readonly ConcurrentDictionary<string, RecentEvent> _toldOnce = new(StringComparer.Ordinal);
    private long _nextGuest;
    private long _linesOfDeparted;

    public ChatHub(IMemberObserver? observer = null, IChatBackplane? backplane = null)
    {
        _observer = observer;
        _backplane = backplane;
        backplane?.Attach(this);
    }

    /// <summary>The backplane this hub publishes to; null when this instance is the whole chat.</summary>
    public IChatBackplane? Backplane => _backplane;

    public int ClientCount => _nicks.Count;

    public int RoomCount => _rooms.Count;

    /// <summary>Lines relayed to rooms since start. Summed on demand so senders share no counter.</summary>
    public long LinesRelayed => Interlocked.Read(ref _linesOfDeparted) + _nicks.Values.Sum(m => m.LinesSent);

    /// <summary>
    /// Gives <paramref name="member"/> a fresh guest-N nick. With a backplane, N comes from a range no other
    /// instance gives out (local numbers while the broker is unreachable; a clash is renamed once it is back).
    /// </summary>
    public string ClaimGuestNick(ChatMember member)
    {
        while (true)
        {
            long number = _backplane is not null && _backplane.TryTakeGuestNumber(out long shared) ? shared : Interlocked.Increment(ref _nextGuest);
            string nick = "guest-" + number;
            if (_nicks.TryAdd(nick, member))
            {
                string old = member.Nick;
                if (old.Length > 0)
                {
                    _nicks.TryRemove(new KeyValuePair<string, ChatMember>(old, member));
                }

                member.Nick = nick;
                _observer?.Changed(member);
                if (_backplane is not null)
                {
                    _backplane.NickTaken(nick);
                    MovePresence(member, old, nick);
                }

                return nick;
            }
        }
    }

    /// <summary>
    /// Gives <paramref name="nick"/> to <paramref name="member"/>, releasing the one it had; false (and nothing
    /// changes) if a local member has it. A change of case only is allowed. Other instances are not waited for:
    /// with a backplane the nick is claimed in the background, and if a member of another instance holds it this
    /// one is renamed then (<see cref="NickLost"/>). For a restored member, or where there is no backplane.
    /// </summary>
    public bool TryClaimNick(string nick, ChatMember member)
    {
        if (!TryReserve(nick, member, out bool sameNick))
        {
            return false;
        }

        if (!sameNick)
        {
            _backplane?.NickTaken(nick);
        }

        Commit(nick, member, sameNick);
        return true;
    }

    /// <summary>
    /// Gives <paramref name="nick"/> to <paramref name="member"/> like <see cref="TryClaimNick"/>, but asks the other
    /// instances first: false if a member of any instance has it (of several claiming it at once, exactly one
    /// wins). While the broker cannot be reached it is taken here only and settled once it can.
    /// </summary>
    public async Task<bool> TryClaimNickAsync(string nick, ChatMember member)
    {
        if (!TryReserve(nick, member, out bool sameNick))
        {
            return false;
        }

        if (_backplane is not null && !sameNick && await _backplane.ClaimNickAsync(nick).ConfigureAwait(false) == BackplaneAnswer.No)
        {
            _nicks.TryRemove(new KeyValuePair<string, ChatMember>(nick, member));
            return false;
        }

        Commit(nick, member, sameNick);
        return true;
    }

    /// <summary>Holds <paramref name="nick"/> for <paramref name="member"/> among local members; false if another has it.</summary>
    private bool TryReserve(string nick, ChatMember member, out bool sameNick)
    {
        string old = member.Nick;
        sameNick = old.Length > 0 && NickName.Comparer.Equals(old, nick);
        return _nicks.TryAdd(nick, member) || (_nicks.TryGetValue(nick, out var holder) && ReferenceEquals(holder, member));
    }

    private void Commit(string nick, ChatMember member, bool sameNick)
    {
        string old = member.Nick;
        if (old.Length > 0 && !sameNick)
        {
            _nicks.TryRemove(new KeyValuePair<string, ChatMember>(old, member));
            _backplane?.NickReleased(old);
        }

        member.Nick = nick;
        _observer?.Changed(member);
        MovePresence(member, old, nick);
    }

    /// <summary>What other instances list of the member's rooms follows its nick.</summary>
    private void MovePresence(ChatMember member, string old, string nick)
    {
        if (_backplane is null || string.Equals(old, nick, StringComparison.Ordinal))
        {
            return;
        }

        foreach (var room in member.Rooms)
        {
            if (old.Length > 0)
            {
                _backplane.MemberLeft(room.Name, old);
            }

            _backplane.MemberJoined(room.Name, member);
        }
    }

    /// <summary>
    /// Another instance holds <paramref name="nick"/>, which a local member took while the broker could not be
    /// asked (an outage, a restore): the local member gets a guest nick, is told why, and its roommates here and
    /// elsewhere see the change. The member that claimed the nick first across instances keeps it.
    /// </summary>
    public void NickLost(string nick)
    {
        if (FindByNick(nick) is not { } member || !NickName.Comparer.Equals(member.Nick, nick))
        {
            return;
        }

        string old = member.Nick;
        string userHost = member.UserHost;
        string fresh = ClaimGuestNick(member);
        member.Deliver(ChatMessage.NickChanged(old, fresh, member.Rooms.Count > 0 ? member.Rooms[0].Name : "", userHost));
        member.Deliver(ChatMessage.ServerNoticeTo(fresh, $"the nick {old} belongs to someone on another server; you are now {fresh}"));
        TellRoommates(member, room => ChatMessage.NickChanged(old, fresh, room.Name, userHost));
    }

    public ChatMember? FindByNick(string nick) => _nicks.GetValueOrDefault(nick);

    /// <summary>Tells the observer that something of <paramref name="member"/> a crash should keep changed (its <see cref="ChatMember.Attributes"/>).</summary>
    public void Changed(ChatMember member) => _observer?.Changed(member);

    /// <summary>Joins <paramref name="roomName"/> (created if need be); the room, with its name's canonical spelling.</summary>
    public ChatRoom Join(string roomName, ChatMember member)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(roomName, static name => new ChatRoom(name));
            if (room.TryAdd(member))
            {
                if (_backplane is not null)
                {
                    if (room.Members.Length == 1)
                    {
                        _backplane.RoomOpened(room.Name);
                    }

                    _backplane.MemberJoined(room.Name, member);
                }

                member.AddRoom(room);
                _observer?.Changed(member);
                return room;
            }

            // Closed by its last member leaving between lookup and add: it is being removed; try again.
            _rooms.TryRemove(new KeyValuePair<string, ChatRoom>(roomName, room));
        }
    }

    public void Leave(ChatRoom room, ChatMember member)
    {
        LeaveQuietly(room, member, handingOver: false);
        _observer?.Changed(member);
    }

    private void LeaveQuietly(ChatRoom room, ChatMember member, bool handingOver)
    {
        member.RemoveRoom(room);
        bool closed = room.Remove(member);
        if (!handingOver)
        {
            _backplane?.MemberLeft(room.Name, member.Nick);
        }

        if (closed)
        {
            _rooms.TryRemove(new KeyValuePair<string, ChatRoom>(room.Name, room));
            _backplane?.RoomClosed(room.Name);
        }
    }

    /// <summary>
    /// The member leaves the chat: every room (its members told with <paramref name="announce"/>'s message,
    /// when it gives one, each once however many rooms they shared) and its nick. Its line count is kept in
    /// <see cref="LinesRelayed"/>. A member <paramref name="handingOver"/> to the next process keeps its nick
    /// and its place in other instances' listings: the next process takes them over (same instance).
    /// </summary>
    public void Depart(ChatMember member, Func<ChatRoom, ChatMessage?>? announce, bool handingOver = false)
    {
        var rooms = member.Rooms;
        var told = rooms.Count > 1 && announce is not null ? new HashSet<ChatMember>() : null;
        var crossing = _backplane is not null && announce is not null ? new List<ChatMessage>(rooms.Count) : null;
        foreach (var room in rooms)
        {
            LeaveQuietly(room, member, handingOver);
            if (announce?.Invoke(room) is { } message)
            {
                Tell(room, message, member, told);
                crossing?.Add(message);
            }
        }

        PublishOnce(crossing);

        if (member.Nick.Length > 0 && _nicks.TryRemove(new KeyValuePair<string, ChatMember>(member.Nick, member)))
        {
            Interlocked.Add(ref _linesOfDeparted, member.LinesSent);
            if (!handingOver)
            {
                _backplane?.NickReleased(member.Nick);
            }
        }

        _observer?.Departed(member);
    }

    /// <summary>Sends what a local member said or did in a room, already delivered here, to the other instances (if any).</summary>
    public void Publish(ChatMessage message) => _backplane?.Publish(message);

    /// <summary>
    /// Delivers a message from another instance to the local members of its room, each rendered by its protocol;
    /// nothing when no local member is in that room (any more).
    /// </summary>
    public void DeliverFromBackplane(ChatMessage message) => FindRoom(message.Room)?.Broadcast(message, sender: null);

    /// <summary>
    /// Delivers one room's share of an event another instance told in several rooms (<see cref="IChatBackplane.PublishOnce"/>):
    /// a local member who already heard it through another of those rooms does not hear it again.
    /// <paramref name="eventKey"/> names the event (its origin and number).
    /// </summary>
    public void DeliverOnceFromBackplane(ChatMessage message, string eventKey)
    {
        if (FindRoom(message.Room) is not { } room)
        {
            return;
        }

        long now = Environment.TickCount64;
        var told = _toldOnce.GetOrAdd(eventKey, static (_, at) => new RecentEvent(at), now);
        lock (told)
        {
            room.BroadcastOnce(message, sender: null, told.Members);
        }

        // An event's shares arrive within moments of each other: forget what is a minute old, now and then.
        if (_toldOnce.Count > 256)
        {
            foreach (var (key, recent) in _toldOnce)
            {
                if (now - recent.At > 60_000)
                {
                    _toldOnce.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Who heard an event told in several rooms, and when it came (<see cref="DeliverOnceFromBackplane"/>).</summary>
    private sealed class RecentEvent(long at)
    {
        public long At { get; } = at;

        public HashSet<ChatMember> Members { get; } = [];
    }

    /// <summary>
    /// Delivers a private message (or an invitation) from a member of another instance to the local member it is
    /// addressed to; false when no local member has that nick (any more).
    /// </summary>
    public bool DeliverToMemberFromBackplane(ChatMessage message)
    {
        string nick = message.Kind == ChatMessageKind.Invited ? message.Detail : message.Room;
        if (FindByNick(nick) is not { } member)
        {
            return false;
        }

        member.Deliver(message);
        return true;
    }

    /// <summary>Tells every local room something about the chat itself (the link to other instances went down, or came back).</summary>
    public void NoticeToAllRooms(string text)
    {
        foreach (var room in _rooms.Values)
        {
            room.Broadcast(ChatMessage.ServerNotice(room.Name, text), sender: null);
        }
    }

    /// <summary>Whether a local member is in <paramref name="room"/> (the backplane listens to exactly those rooms).</summary>
    public bool HasLocalRoom(string room) => _rooms.ContainsKey(room);

    /// <summary>
    /// Tells everyone who shares a room with <paramref name="member"/>, here and on other instances, what
    /// <paramref name="message"/> makes of the first room they share, once each (a nick change concerns the
    /// member, not each of its rooms).
    /// </summary>
    public void TellRoommates(ChatMember member, Func<ChatRoom, ChatMessage> message)
    {
        var rooms = member.Rooms;
        var told = rooms.Count > 1 ? new HashSet<ChatMember>() : null;
        var crossing = _backplane is null ? null : new List<ChatMessage>(rooms.Count);
        foreach (var room in rooms)
        {
            var said = message(room);
            Tell(room, said, member, told);
            crossing?.Add(said);
        }

        PublishOnce(crossing);
    }

    /// <summary>One event told in each of several rooms crosses so that each member of another instance hears it once.</summary>
    private void PublishOnce(List<ChatMessage>? perRoom)
    {
        if (perRoom is not { Count: > 0 })
        {
            return;
        }

        if (perRoom.Count == 1)
        {
            _backplane!.Publish(perRoom[0]);
        }
        else
        {
            _backplane!.PublishOnce(perRoom);
        }
    }

    /// <summary>One room's share of a message told once per member: a lone room broadcasts as usual (grouped wake-ups).</summary>
    private static void Tell(ChatRoom room, ChatMessage message, ChatMember member, HashSet<ChatMember>? told)
    {
        if (told is null)
        {
            room.Broadcast(message, member);
        }
        else
        {
            room.BroadcastOnce(message, member, told);
        }
    }

    /// <summary>
    /// True if every room's membership lock can be taken within <paramref name="patience"/>: a room stuck
    /// behind a held lock would stall every join and leave in it (a health signal for a watchdog).
    /// </summary>
    public bool IsResponsive(TimeSpan patience)
    {
        foreach (var room in _rooms.Values)
        {
            if (!room.CanLock(patience))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every room now (a live view: rooms come and go while it is walked).</summary>
    public IEnumerable<ChatRoom> Rooms => _rooms.Values;

    /// <summary>Every member holding a nick, of every protocol (a snapshot-free walk: members come and go meanwhile).</summary>
    public IEnumerable<ChatMember> Members => _nicks.Values;

    public ChatRoom? FindRoom(string name) => _rooms.GetValueOrDefault(name);

    /// <summary>
    /// Every room with its members, on this instance and, with a backplane, on the others (their counts added to
    /// the local ones); Unreachable when the other instances could not be asked.
    /// </summary>
    public async Task<(IEnumerable<(string Name, int Members)> Rooms, bool Unreachable)> RoomsOfEveryInstanceAsync()
    {
        var local = Rooms.Select(r => (r.Name, Members: r.Members.Length));
        if (_backplane is not { } backplane)
        {
            return (local, false);
        }

        if (await backplane.RemoteRoomsAsync().ConfigureAwait(false) is not { } remote)
        {
            return (local, true);
        }

        var counts = new Dictionary<string, (string Name, int Members)>(RoomName.Comparer);
        foreach (var (name, members) in local.Concat(remote.Select(r => (r.Key, r.Value))))
        {
            counts[name] = counts.TryGetValue(name, out var known) ? (known.Name, known.Members + members) : (name, members);
        }

        return (counts.Values, false);
    }
}
