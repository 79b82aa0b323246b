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

    /// <summary>Gives <paramref name="member"/> a fresh guest-N nick.</summary>
    public string ClaimGuestNick(ChatMember member)
    {
        while (true)
        {
            string nick = "guest-" + Interlocked.Increment(ref _nextGuest);
            if (_nicks.TryAdd(nick, member))
            {
                member.Nick = nick;
                _observer?.Changed(member);
                return nick;
            }
        }
    }

    /// <summary>
    /// Gives <paramref name="nick"/> to <paramref name="member"/>, releasing the one it had; false (and nothing
    /// changes) if someone else has it. A change of case only is allowed.
    /// </summary>
    public bool TryClaimNick(string nick, ChatMember member)
    {
        if (!_nicks.TryAdd(nick, member) && !(_nicks.TryGetValue(nick, out var holder) && ReferenceEquals(holder, member)))
        {
            return false;
        }

        string old = member.Nick;
        if (old.Length > 0 && !NickName.Comparer.Equals(old, nick))
        {
            _nicks.TryRemove(new KeyValuePair<string, ChatMember>(old, member));
        }

        member.Nick = nick;
        _observer?.Changed(member);
        return true;
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
                if (_backplane is not null && room.Members.Length == 1)
                {
                    _backplane.RoomOpened(room.Name);
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
        LeaveQuietly(room, member);
        _observer?.Changed(member);
    }

    private void LeaveQuietly(ChatRoom room, ChatMember member)
    {
        member.RemoveRoom(room);
        if (room.Remove(member))
        {
            _rooms.TryRemove(new KeyValuePair<string, ChatRoom>(room.Name, room));
            _backplane?.RoomClosed(room.Name);
        }
    }

    /// <summary>
    /// The member leaves the chat: every room (its members told with <paramref name="announce"/>'s message,
    /// when it gives one, each once however many rooms they shared) and its nick. Its line count is kept in
    /// <see cref="LinesRelayed"/>.
    /// </summary>
    public void Depart(ChatMember member, Func<ChatRoom, ChatMessage?>? announce)
    {
        var rooms = member.Rooms;
        var told = rooms.Count > 1 && announce is not null ? new HashSet<ChatMember>() : null;
        foreach (var room in rooms)
        {
            LeaveQuietly(room, member);
            if (announce?.Invoke(room) is { } message)
            {
                Tell(room, message, member, told);
                _backplane?.Publish(message);
            }
        }

        if (member.Nick.Length > 0 && _nicks.TryRemove(new KeyValuePair<string, ChatMember>(member.Nick, member)))
        {
            Interlocked.Add(ref _linesOfDeparted, member.LinesSent);
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

    /// <summary>Whether a local member is in <paramref name="room"/> (the backplane listens to exactly those rooms).</summary>
    public bool HasLocalRoom(string room) => _rooms.ContainsKey(room);

    /// <summary>
    /// Tells everyone who shares a room with <paramref name="member"/> what <paramref name="message"/> makes of
    /// the first room they share, once each (a nick change concerns the member, not each of its rooms).
    /// </summary>
    public static void TellRoommates(ChatMember member, Func<ChatRoom, ChatMessage> message)
    {
        var rooms = member.Rooms;
        var told = rooms.Count > 1 ? new HashSet<ChatMember>() : null;
        foreach (var room in rooms)
        {
            Tell(room, message(room), member, told);
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
}
