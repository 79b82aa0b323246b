using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ChatDaemon.Networking;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat;

/// <summary>
/// One chat client: reads its lines (framed, sanitised, rate limited), runs its commands, relays its
/// messages, and owns the single writer of its <see cref="OutboundQueue"/>.
/// </summary>
public sealed class ChatSession : ProtocolSession, IOutboundQueueOwner
{
    /// <summary>The most nicks a /who reply lists.</summary>
    internal const int WhoShows = 100;

    /// <summary>The most rooms a /rooms reply lists.</summary>
    internal const int RoomsShows = 50;

    /// <summary>
    /// How often a throttled client, which is not being read, is looked at for a reset: a client that went away
    /// is noticed within this, not after the minutes its unread lines would take at its rate (issue 11, D1).
    /// </summary>
    private static readonly TimeSpan PeerCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly ClientConnection _connection;
    private readonly ChatSessionServices _shared;
    private readonly OutboundQueue _queue = new();
    private TokenBucket _bucket; // a mutable struct: not readonly, so TryTake updates this one, not a copy
    private RoomMessageBatch? _batch; // created by the first room message: most clients are idle most of the time
    private ChatRoom? _room;
    private byte[]? _nickBytes; // the nick encoded for relaying, made when first needed
    private bool _departed;
    private bool _loggedTooLong;
    private bool _loggedRateLimited;
    private int _overflowed;
    private LineFramer _framer; // a field, not a local of RunAsync: a throttled read goes on in HandleThrottledLinesAsync

    public ChatSession(ClientConnection connection, ChatHub hub, ChatSettings settings, ChatLimitLog limitLog, ILogger logger, TimeProvider time, ChatSessionState? restored = null)
        : this(connection, new ChatSessionServices(hub, settings, limitLog, logger, time), restored)
    {
    }

    internal ChatSession(ClientConnection connection, ChatSessionServices shared, ChatSessionState? restored = null)
    {
        _connection = connection;
        _shared = shared;
        _bucket = new TokenBucket(shared.Time);
        _framer = new LineFramer(shared.Settings.Limits.MaxLineBytes);
        State = restored ?? new ChatSessionState { Nick = "", Room = shared.Settings.Chat.DefaultRoom };
    }

    /// <summary>Nick, room and counters, as plain data.</summary>
    public ChatSessionState State { get; }

    public string Nick => State.Nick;

    /// <summary>
    /// This client's events carry its connection's id and address. Made per event rather than held: an idle
    /// client keeps no logging state (see <see cref="ConnectionLogger"/>).
    /// </summary>
    private ConnectionLogger Log => new(_shared.Logger, _connection);

    private byte[] NickBytes => _nickBytes ??= Encoding.ASCII.GetBytes(State.Nick);

    /// <summary>Queues an encoded line for this client; a client that does not read is disconnected (see <see cref="OutboundQueue"/>).</summary>
    public void Deliver(byte[] line) => _queue.TryEnqueue(line);

    /// <summary>
    /// Queues like <see cref="Deliver(byte[])"/>, but when this client's sender must be woken it joins
    /// <paramref name="group"/>, which the broadcaster wakes with the other members' (see <see cref="DrainGroup"/>).
    /// </summary>
    internal void Deliver(byte[] line, ref DrainGroup? group)
    {
        _queue.TryEnqueue(line, out bool mustDrain);
        if (mustDrain)
        {
            group = DrainGroup.Add(group, _queue);
        }
    }

    ClientConnection IOutboundQueueOwner.Connection => _connection;

    SendQueueLimit IOutboundQueueOwner.SendQueueLimit
    {
        get
        {
            var limits = _shared.Settings.Limits;
            return new SendQueueLimit(limits.SendQueueBytes, TimeSpan.FromSeconds(limits.SlowClientSeconds));
        }
    }

    TimeProvider IOutboundQueueOwner.Time => _shared.Time;

    void IOutboundQueueOwner.OnSlowClient()
    {
        if (Interlocked.Exchange(ref _overflowed, 1) == 0)
        {
            var limits = _shared.Settings.Limits;
            if (_shared.LimitLog.SlowClient.TryEnter(out long suppressed))
            {
                ChatLog.SlowClientDisconnected(Log, Nick, limits.SendQueueBytes, limits.SlowClientSeconds, suppressed);
            }

            _connection.Abort(ShutdownReason.SlowClient);
        }
    }

    // The read loop is written out here rather than awaited from a method of its own, and what follows it
    // is a method of its own: while a client is idle only this method is suspended, and every suspended
    // async method keeps a state machine box alive per connection (bench/ANALYSIS.md "Idle connections").
    // For the same reason the lines of a read are handled by a synchronous method, and a throttled client
    // waits in a method of its own, so that no buffer, line or read result is kept in this box.
    public override async Task<ShutdownReason> RunAsync(CancellationToken stopReading)
    {
        _queue.Start(this);
        _shared.Hub.CancelReadsOn(stopReading);
        ShutdownReason? reason = null;
        try
        {
            Greet();
            PipeReader input = _connection.Input;
            bool readCanceled = false;
            while (reason is null)
            {
                // The read gets no token: the hub cancels it when stopReading fires (ChatHub.CancelReadsOn).
                if (stopReading.IsCancellationRequested)
                {
                    reason = ShutdownReason.ServerStopping;
                    break;
                }

                var result = await input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled && stopReading.IsCancellationRequested)
                {
                    input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    reason = ShutdownReason.ServerStopping;
                    break;
                }

                var buffer = result.Buffer;
                bool ended = result.IsCompleted;
                readCanceled |= result.IsCanceled;
                TimeSpan? throttle = null;
                try
                {
                    reason = HandleLines(ref buffer, ended, out throttle);
                }
                finally
                {
                    // Lines read are relayed before the next read (or a throttled client's wait), whatever ends this batch.
                    RelayBatch();
                    if (throttle is null)
                    {
                        input.AdvanceTo(buffer.Start, buffer.End);
                    }
                }

                if (throttle is { } wait)
                {
                    reason = await HandleThrottledLinesAsync(input, buffer, ended, wait, stopReading).ConfigureAwait(false);
                }

                if (reason is null && (ended || readCanceled))
                {
                    reason = ShutdownReason.ClientClosed;
                }
            }
        }
        catch
        {
            Depart(leaveNotice: "");
            _queue.Complete();
            throw;
        }

        if (reason != ShutdownReason.ServerStopping)
        {
            await LeaveAsync(reason.Value).ConfigureAwait(false);
        }

        // ServerStopping: FinishAsync follows once every session stopped reading.
        return reason.Value;
    }

    /// <summary>
    /// Handles the lines at the front of <paramref name="buffer"/>, which is advanced past them; says why
    /// the session ends if it does. A client over its line rate is not read further: <paramref name="throttle"/>
    /// is how long until its next line may be handled (possibly zero: due now), and <paramref name="buffer"/>
    /// starts at that line; null when every complete line was handled.
    /// </summary>
    private ShutdownReason? HandleLines(ref ReadOnlySequence<byte> buffer, bool isCompleted, out TimeSpan? throttle)
    {
        throttle = null;
        _framer.MaxLineBytes = EffectiveMaxLineBytes();
        while (true)
        {
            var unhandled = buffer;
            var framerBefore = _framer;
            var kind = _framer.TryRead(ref buffer, out var line);
            if (kind == FrameKind.None)
            {
                if (!isCompleted || buffer.Length == 0)
                {
                    return null;
                }

                // End of stream after a last line without LF: still a line.
                line = buffer;
                buffer = buffer.Slice(buffer.End);
                kind = FrameKind.Line;
            }

            if (kind == FrameKind.TooLong)
            {
                OnLineTooLong(_framer.MaxLineBytes);
                continue;
            }

            var limits = _shared.Settings.Limits;
            if (!_bucket.TryTake(limits.LinesPerSecond, limits.LineBurst, out var wait))
            {
                // Framed again once a token is due.
                throttle = wait;
                buffer = unhandled;
                _framer = framerBefore;
                return null;
            }

            if (!HandleLine(line))
            {
                return ShutdownReason.ClientQuit;
            }
        }
    }

    /// <summary>
    /// The rest of a read from a client over its line rate: each line waits for its token. Not reading is
    /// the throttle: the transport's buffer fills, then TCP's window closes on the client.
    /// </summary>
    private async Task<ShutdownReason?> HandleThrottledLinesAsync(PipeReader input, ReadOnlySequence<byte> buffer, bool isCompleted, TimeSpan throttle, CancellationToken stopReading)
    {
        try
        {
            while (true)
            {
                // What was read before the throttle engaged goes out now, not after the wait.
                RelayBatch();
                bool peerGone = await WaitForTokenAsync(throttle, stopReading).ConfigureAwait(false);
                if (stopReading.IsCancellationRequested)
                {
                    return ShutdownReason.ServerStopping;
                }

                if (peerGone)
                {
                    // The unread lines were never accepted (not reading them is the throttle): they go with the client.
                    _connection.Abort(ShutdownReason.ConnectionReset);
                    ChatLog.ThrottledClientGone(Log, Nick, LineFramer.CountLines(buffer));
                    buffer = buffer.Slice(buffer.End);
                    return ShutdownReason.ConnectionReset;
                }

                var reason = HandleLines(ref buffer, isCompleted, out var next);
                if (reason is not null || next is null)
                {
                    return reason;
                }

                throttle = next.Value;
            }
        }
        finally
        {
            RelayBatch();
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>The client is done (closed, quit): leave the room, then deliver what is queued.</summary>
    private async Task LeaveAsync(ShutdownReason reason)
    {
        Depart(reason == ShutdownReason.ClientQuit ? _quitNotice : "");
        if (reason == ShutdownReason.ClientQuit)
        {
            Send(ChatText.Bye);
        }

        _queue.Complete();
        try
        {
            // A client that closed its side may still read what is queued; one that reads nothing is not waited for long.
            await _queue.Sent.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _connection.Abort(ShutdownReason.SlowClient);
        }
    }

    public override async Task FinishAsync()
    {
        // Past the limit if need be: a client about to be closed may hear why.
        _queue.TryEnqueue(ChatText.ShuttingDown, enforceLimit: false);
        Depart(leaveNotice: null);
        _queue.Complete();
        await _queue.Sent.ConfigureAwait(false);
    }

    private string _quitNotice = "";

    private void Greet()
    {
        if (State.Nick.Length == 0)
        {
            State.Nick = _shared.Hub.ClaimGuestNick(this);
        }
        else if (!_shared.Hub.TryClaimNick(State.Nick, this))
        {
            State.Nick = _shared.Hub.ClaimGuestNick(this);
        }

        string motd = _shared.Settings.Chat.Motd;
        if (!string.IsNullOrEmpty(motd))
        {
            foreach (string line in motd.ReplaceLineEndings("\n").Split('\n'))
            {
                Send(ChatText.Notice(line));
            }
        }

        _room = _shared.Hub.Join(State.Room, this);
        State.Room = _room.Name;
        Send(ChatText.Notice($"you are {State.Nick} in room {_room.Name}"));
        AnnounceMembership(_room, $"{State.Nick} joined {_room.Name}", _room.Members.Length);
        ChatLog.Joined(Log, State.Nick, _room.Name);
    }

    private int EffectiveMaxLineBytes()
    {
        int max = _shared.Settings.Limits.MaxLineBytes;
        return max == 0 ? Configuration.LimitsOptionsValidator.LargestMaxLineBytes : max;
    }

    /// <summary>
    /// Waits <paramref name="wait"/> (the client is over its line rate), or until the server stops reading;
    /// true if the client went away meanwhile. A client that is not read from does not see its reset through
    /// its input, so the kernel is asked (<see cref="ClientConnection.IsPeerGone"/>) every <see cref="PeerCheckInterval"/>.
    /// </summary>
    private async Task<bool> WaitForTokenAsync(TimeSpan wait, CancellationToken stopReading)
    {
        if (!_loggedRateLimited)
        {
            _loggedRateLimited = true;
            if (_shared.LimitLog.RateLimited.TryEnter(out long suppressed))
            {
                ChatLog.RateLimited(Log, Nick, _shared.Settings.Limits.LinesPerSecond, suppressed);
            }
        }

        try
        {
            while (true)
            {
                if (_connection.IsPeerGone)
                {
                    return true;
                }

                if (wait <= TimeSpan.Zero)
                {
                    return false;
                }

                var slice = wait < PeerCheckInterval ? wait : PeerCheckInterval;
                await Task.Delay(slice, _shared.Time, stopReading).ConfigureAwait(false);
                wait -= slice;
            }
        }
        catch (OperationCanceledException) when (stopReading.IsCancellationRequested)
        {
            return false; // the caller sees the token
        }
    }

    private void OnLineTooLong(int max)
    {
        Send(ChatText.Error($"line too long (max {max} bytes)"));
        if (!_loggedTooLong)
        {
            _loggedTooLong = true;
            if (_shared.LimitLog.LineTooLong.TryEnter(out long suppressed))
            {
                ChatLog.LineTooLong(Log, Nick, max, suppressed);
            }
        }
    }

    /// <summary>Handles one line; false when the client quits.</summary>
    private bool HandleLine(in ReadOnlySequence<byte> line)
    {
        int length = (int)line.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length + TextSanitizer.MaxOutputLength(length));
        try
        {
            Span<byte> raw = rented.AsSpan(0, length);
            line.CopyTo(raw);
            Span<byte> clean = rented.AsSpan(length);
            int n = TextSanitizer.Sanitize(raw, clean);
            ReadOnlySpan<byte> text = clean[..n];
            if (TextSanitizer.IsBlank(text))
            {
                return true;
            }

            if (text[0] != (byte)'/')
            {
                State.LinesSent++;
                _batch ??= new RoomMessageBatch();
                _batch.AppendMessage(NickBytes, text);
                if (_batch.Length >= BatchLimitBytes())
                {
                    RelayBatch();
                }

                return true;
            }

            // A command's effects (a nick change, a /me) come after the messages sent before it.
            RelayBatch();
            return Execute(ChatCommand.Parse(Encoding.UTF8.GetString(text)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Relays the pending batch of room messages. A batch stays well inside a member's send queue limit,
    /// so batching never makes a reading member look slow.
    /// </summary>
    private void RelayBatch()
    {
        if (_batch is { IsEmpty: false })
        {
            var lines = _batch.Take();
            _room?.Broadcast(lines, this);
        }
    }

    private int BatchLimitBytes()
    {
        int queueLimit = _shared.Settings.Limits.SendQueueBytes;
        return queueLimit == 0 ? RoomMessageBatch.DefaultMaxBytes : Math.Min(RoomMessageBatch.DefaultMaxBytes, queueLimit / 4);
    }

    private void SendToRoom(byte[] line)
    {
        State.LinesSent++;
        _room?.Broadcast(line, this);
    }

    private bool Execute(ChatCommand command)
    {
        switch (command.Kind)
        {
            case ChatCommandKind.Message:
                SendToRoom(ChatText.RoomMessage(NickBytes, Encoding.UTF8.GetBytes(command.Argument)));
                break;
            case ChatCommandKind.Nick:
                ChangeNick(command.Argument);
                break;
            case ChatCommandKind.Join:
                JoinRoom(command.Argument);
                break;
            case ChatCommandKind.Who:
                Who();
                break;
            case ChatCommandKind.Rooms:
                Rooms(command.Argument);
                break;
            case ChatCommandKind.Msg:
                PrivateMessage(command.Argument);
                break;
            case ChatCommandKind.Me:
                if (command.Argument.Length == 0)
                {
                    Send(ChatText.Error("usage: /me action"));
                }
                else
                {
                    SendToRoom(ChatText.Action(NickBytes, Encoding.UTF8.GetBytes(command.Argument)));
                }

                break;
            case ChatCommandKind.Quit:
                _quitNotice = command.Argument.Length == 0 ? " (quit)" : $" (quit: {command.Argument})";
                return false;
            case ChatCommandKind.Help:
                foreach (var line in ChatText.Help)
                {
                    Send(line);
                }

                break;
            default:
                Send(ChatText.Error($"unknown command /{command.Name} (try /help)"));
                break;
        }

        return true;
    }

    /// <summary>The members of this client's room by nick: the first <see cref="WhoShows"/>, then how many more.</summary>
    private void Who()
    {
        var room = _room!;
        var nicks = ListReply.First(room.Members.Select(m => m.Nick), WhoShows, NickName.Comparer, out int total);
        foreach (var line in ListReply.Render($"in {room.Name}: ", $"in {room.Name}: {total} members", nicks, total))
        {
            Send(line);
        }
    }

    /// <summary>The rooms by name (those starting with <paramref name="prefix"/> if given): the first <see cref="RoomsShows"/>, then how many more.</summary>
    private void Rooms(string prefix)
    {
        if (prefix.StartsWith('#'))
        {
            prefix = prefix[1..];
        }

        var rooms = _shared.Hub.Rooms
            .Select(r => (r.Name, Members: r.Members.Length))
            .Where(r => r.Members > 0 && r.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        var order = Comparer<(string Name, int Members)>.Create((a, b) => RoomName.Comparer.Compare(a.Name, b.Name));
        var first = ListReply.First(rooms, RoomsShows, order, out int total);
        string heading = prefix.Length == 0
            ? $"rooms: {total} (narrow the list with /rooms PREFIX)"
            : $"rooms: {total} starting with {prefix}";
        foreach (var line in ListReply.Render("rooms: ", heading, first.Select(r => $"{r.Name} ({r.Members})").ToList(), total))
        {
            Send(line);
        }
    }

    private void ChangeNick(string nick)
    {
        if (nick.Length == 0)
        {
            Send(ChatText.Error("usage: /nick NAME"));
            return;
        }

        if (!NickName.IsValid(nick))
        {
            Send(ChatText.Error($"invalid nick: {NickName.Rule}"));
            return;
        }

        string old = State.Nick;
        if (string.Equals(old, nick, StringComparison.Ordinal))
        {
            Send(ChatText.Error($"you are already {nick}"));
            return;
        }

        if (!_shared.Hub.TryClaimNick(nick, this))
        {
            Send(ChatText.Error($"nick {nick} is taken"));
            return;
        }

        if (!NickName.Comparer.Equals(old, nick))
        {
            _shared.Hub.ReleaseNick(old, this);
        }

        State.Nick = nick;
        _nickBytes = null;
        // The room is told first: once the client reads its confirmation, every member who was in the room
        // has the notice, and one who joins later does not get it (ChatUsers in the tests relies on this).
        _room?.Broadcast(ChatText.Notice($"{old} is now known as {nick}"), this);
        Send(ChatText.Notice($"you are now known as {nick}"));
        ChatLog.NickChanged(Log, old, nick);
    }

    private void JoinRoom(string name)
    {
        if (name.StartsWith('#'))
        {
            name = name[1..];
        }

        if (name.Length == 0)
        {
            Send(ChatText.Error("usage: /join ROOM"));
            return;
        }

        if (!RoomName.IsValid(name))
        {
            Send(ChatText.Error($"invalid room name: {RoomName.Rule}"));
            return;
        }

        var old = _room!;
        if (RoomName.Comparer.Equals(old.Name, name))
        {
            Send(ChatText.Error($"you are already in {old.Name}"));
            return;
        }

        _shared.Hub.Leave(old, this);
        AnnounceMembership(old, $"{Nick} left {old.Name}", old.Members.Length + 1);
        _room = _shared.Hub.Join(name, this);
        State.Room = _room.Name;
        Send(ChatText.Notice($"you are now in {_room.Name} ({_room.Members.Length} here)"));
        AnnounceMembership(_room, $"{Nick} joined {_room.Name}", _room.Members.Length);
        ChatLog.Joined(Log, Nick, _room.Name);
    }

    private void PrivateMessage(string argument)
    {
        int space = argument.IndexOfAny([' ', '\t']);
        if (space <= 0 || argument[(space + 1)..].Trim().Length == 0)
        {
            Send(ChatText.Error("usage: /msg NICK text"));
            return;
        }

        string nick = argument[..space];
        string text = argument[(space + 1)..].TrimStart(' ', '\t');
        var target = NickName.IsValid(nick) ? _shared.Hub.FindByNick(nick) : null;
        if (target is null)
        {
            Send(ChatText.Error($"no such nick: {nick}"));
            return;
        }

        target.Deliver(ChatText.Line($"*{Nick}* {text}"));
        Send(ChatText.Line($"-> *{target.Nick}* {text}"));
    }

    private void Send(byte[] line) => Deliver(line);

    /// <summary>Ends the pending read, or makes the next one end at once (the server stops reading; see <see cref="ChatHub.CancelReadsOn"/>).</summary>
    internal void CancelPendingRead()
    {
        try
        {
            _connection.Input.CancelPendingRead();
        }
        catch (Exception ex) when (ConnectionErrorClassifier.Classify(ex) != ConnectionErrorKind.Unexpected)
        {
            // Closed meanwhile: nothing left to stop. (This runs inside the server's stop; it must not throw there.)
        }
    }

    /// <summary>
    /// Tells the other members of <paramref name="room"/> about a join or leave, unless the room, counted
    /// with the one who comes or goes (<paramref name="size"/>), is too big to announce in.
    /// </summary>
    private void AnnounceMembership(ChatRoom room, string notice, int size)
    {
        int upTo = _shared.Settings.Chat.AnnounceMembershipUpTo;
        if (upTo == 0 || size <= upTo)
        {
            room.Broadcast(ChatText.Notice(notice), this);
        }
    }

    /// <summary>Leaves the room (announcing it when <paramref name="leaveNotice"/> is not null) and gives up the nick; once.</summary>
    private void Depart(string? leaveNotice)
    {
        if (_departed)
        {
            return;
        }

        _departed = true;
        _batch?.Release();
        if (_room is { } room)
        {
            _shared.Hub.Leave(room, this);
            if (leaveNotice is not null)
            {
                AnnounceMembership(room, $"{Nick} left {room.Name}{leaveNotice}", room.Members.Length + 1);
            }
        }

        _shared.Hub.ReleaseNick(State.Nick, this);
        _shared.Hub.AddDepartedLines(State.LinesSent);
        ChatLog.Left(Log, Nick, _connection.Reason?.ToString() ?? leaveNotice ?? "server stopping");
    }
}
