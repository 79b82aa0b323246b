using System.Collections.Concurrent;

namespace ChatDaemon.Chat;

/// <summary>
/// The shared chat world: rooms by name and sessions by nick (both case-insensitive).
/// Rooms are created on first join and removed when the last member leaves.
/// </summary>
public sealed class ChatHub
{
    private readonly ConcurrentDictionary<string, ChatRoom> _rooms = new(RoomName.Comparer);
    private readonly ConcurrentDictionary<string, ChatSession> _nicks = new(NickName.Comparer);
    private readonly ConcurrentDictionary<CancellationToken, CancellationTokenRegistration> _stopWatches = new();
    private long _nextGuest;
    private long _linesOfDeparted;

    public int ClientCount => _nicks.Count;

    public int RoomCount => _rooms.Count;

    /// <summary>Lines relayed to rooms since start. Summed on demand so senders share no counter.</summary>
    public long LinesRelayed => Interlocked.Read(ref _linesOfDeparted) + _nicks.Values.Sum(s => s.State.LinesSent);

    /// <summary>Claims a fresh guest-N nick for <paramref name="session"/>.</summary>
    public string ClaimGuestNick(ChatSession session)
    {
        while (true)
        {
            string nick = "guest-" + Interlocked.Increment(ref _nextGuest);
            if (_nicks.TryAdd(nick, session))
            {
                return nick;
            }
        }
    }

    /// <summary>Claims <paramref name="nick"/> for <paramref name="session"/>; false if someone else has it.</summary>
    public bool TryClaimNick(string nick, ChatSession session) =>
        _nicks.TryAdd(nick, session) || (_nicks.TryGetValue(nick, out var holder) && ReferenceEquals(holder, session));

    public void ReleaseNick(string nick, ChatSession session) =>
        _nicks.TryRemove(new KeyValuePair<string, ChatSession>(nick, session));

    public ChatSession? FindByNick(string nick) => _nicks.GetValueOrDefault(nick);

    /// <summary>
    /// Once <paramref name="stopReading"/> fires, cancels the pending read of every session holding a nick
    /// (each session checks the token itself before it reads, which covers one that claims its nick meanwhile).
    /// Registered once per token: a session that passed the token to every read instead kept a registration
    /// (80 bytes) alive per idle client (bench/ANALYSIS.md "Idle connections").
    /// </summary>
    internal void CancelReadsOn(CancellationToken stopReading)
    {
        if (!stopReading.CanBeCanceled || _stopWatches.ContainsKey(stopReading))
        {
            return;
        }

        // A race may register twice; cancelling a read twice is harmless.
        _stopWatches.TryAdd(stopReading, stopReading.UnsafeRegister(
            static state =>
            {
                foreach (var session in ((ChatHub)state!)._nicks.Values)
                {
                    session.CancelPendingRead();
                }
            },
            this));
    }

    /// <summary>Called once when a session ends, so its line count survives it.</summary>
    internal void AddDepartedLines(long lines) => Interlocked.Add(ref _linesOfDeparted, lines);

    public ChatRoom Join(string roomName, ChatSession session)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(roomName, static name => new ChatRoom(name));
            if (room.TryAdd(session))
            {
                return room;
            }

            // Closed by its last member leaving between lookup and add: it is being removed; try again.
            _rooms.TryRemove(new KeyValuePair<string, ChatRoom>(roomName, room));
        }
    }

    public void Leave(ChatRoom room, ChatSession session)
    {
        if (room.Remove(session))
        {
            _rooms.TryRemove(new KeyValuePair<string, ChatRoom>(room.Name, room));
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

    public IReadOnlyList<(string Name, int Members)> RoomList() =>
        _rooms.Values.Select(r => (r.Name, r.Members.Length)).Where(r => r.Length > 0).OrderBy(r => r.Name, RoomName.Comparer).ToList();
}
