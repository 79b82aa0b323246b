using System.Buffers;
using System.IO.Pipelines;
using ChatDaemon.Networking;

namespace ChatDaemon.Chat;

/// <summary>
/// What every chat protocol's session does the same way for one client: reads its lines (framed, rate
/// limited), relays what it says to rooms in batches, delivers its output through its <see cref="ChatMember"/>'s
/// <see cref="OutboundQueue"/> (this session is the queue's single writer), stops, hands over and restores.
/// A protocol says how a line is understood and how the server's own replies are worded.
/// </summary>
public abstract class ChatSession : ProtocolSession, IOutboundQueueOwner
{
    /// <summary>
    /// How often a throttled client, which is not being read, is looked at for a reset: a client that went away
    /// is noticed within this, not after the minutes its unread lines would take at its rate (issue 11, D1).
    /// </summary>
    private static readonly TimeSpan PeerCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly ClientConnection _connection;
    private readonly ChatSessionServices _shared;
    private readonly PipeReader _input; // the connection's, or a restored session's carried input before it
    private TokenBucket _bucket; // a mutable struct: not readonly, so TryTake updates this one, not a copy
    private RoomMessageBatch? _batch; // created by the first room message: most clients are idle most of the time
    private MemberState? _restored; // until the session starts
    private bool _departed;
    private bool _rejoined; // restored by Rejoin before the session started
    private bool _loggedTooLong;
    private bool _loggedRateLimited;
    private int _overflowed;
    private long _linesTooLong;
    private LineFramer _framer; // a field, not a local of RunAsync: a paused read goes on in HandleRestOfReadAsync
    private Func<Task<bool>>? _offLoop; // work a handler left to run off the event loop (ContinueOffLoop)

    private protected ChatSession(ClientConnection connection, ChatSessionServices shared, IChatRenderer renderer, MemberState? restored)
    {
        if (restored is not null && restored.Protocol != renderer.ProtocolName)
        {
            throw new ArgumentException($"state of a {restored.Protocol} member cannot be restored as a {renderer.ProtocolName} session", nameof(restored));
        }

        _connection = connection;
        _shared = shared;
        _bucket = new TokenBucket(shared.Time);
        _framer = new LineFramer(0) { IsSkippingLongLine = restored?.SkippingLongLine ?? false };
        _input = restored is { PendingInput.Length: > 0 } ? new PrefixedPipeReader(restored.PendingInput, connection.Input) : connection.Input;
        _restored = restored;
        Member = new ChatMember(renderer, new OutboundQueue(), connection);
    }

    /// <summary>What the rooms hold of this client.</summary>
    public ChatMember Member { get; }

    public string Nick => Member.Nick;

    internal ChatHub Hub => _shared.Hub;

    internal ChatSettings Settings => _shared.Settings;

    private protected ChatSessionServices Shared => _shared;

    private protected ClientConnection Connection => _connection;

    /// <summary>
    /// The client's own reason when it quit (a quit command), told to its roommates; null while it has not quit:
    /// a connection that ends without one is told as a disconnection.
    /// </summary>
    internal string? QuitReason { get; set; }

    /// <summary>
    /// This client's events carry its connection's id and address. Made per event rather than held: an idle
    /// client keeps no logging state (see <see cref="ConnectionLogger"/>).
    /// </summary>
    internal ConnectionLogger Log => new(_shared.Logger, _connection);

    /// <summary>The longest line the protocol accepts, without its line end (0: no limit).</summary>
    private protected abstract int MaxLineBytes { get; }

    /// <summary>What the client is told when a line of its was over <see cref="MaxLineBytes"/> and was discarded.</summary>
    private protected abstract byte[] LineTooLongReply(int maxLineBytes);

    /// <summary>The last thing a client that quit is sent.</summary>
    private protected abstract byte[] QuitReply();

    /// <summary>The last thing every client is sent when the server stops (not when it hands clients over).</summary>
    private protected abstract byte[] ShuttingDownReply();

    /// <summary>A new client's start: a greeting, or the start of a registration.</summary>
    private protected abstract void Greet();

    /// <summary>
    /// A restored client takes its place again (<see cref="RestoreCommon"/>, then its rooms); it is told at most one
    /// line about it (<see cref="ChatOptions.RestartNotice"/>), no greeting: for it nothing happened.
    /// </summary>
    private protected abstract void Restore(MemberState restored);

    /// <summary>
    /// Handles one line (its line end removed, not yet sanitised); false when the client quits. Work that walks
    /// shared state goes back in <paramref name="offLoop"/>, to run on the thread pool while the session waits.
    /// </summary>
    private protected abstract bool HandleLine(ReadOnlySpan<byte> line, out Func<bool>? offLoop);

    /// <summary>What the protocol keeps of the client beyond the common state, for <see cref="MemberState.Attributes"/>.</summary>
    private protected virtual IReadOnlyDictionary<string, string> StateAttributes => new Dictionary<string, string>();

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool once the line being handled is done, while the session
    /// waits (the next line is handled after it): for a handler that finds it must ask the other instances
    /// (a round trip to the broker), which must not hold up an event loop that serves other clients. Several
    /// run in the order given.
    /// </summary>
    internal void ContinueOffLoop(Func<Task<bool>> work)
    {
        if (_offLoop is not { } before)
        {
            _offLoop = work;
            return;
        }

        _offLoop = async () => await before().ConfigureAwait(false) && await work().ConfigureAwait(false);
    }

    /// <summary>Queues a reply for this client alone.</summary>
    internal void Send(byte[] line) => Member.Send(line);

    internal void SendAll(IEnumerable<byte[]> lines)
    {
        foreach (var line in lines)
        {
            Member.Send(line);
        }
    }

    /// <summary>Says <paramref name="message"/> in <paramref name="room"/>, after what the client said before.</summary>
    internal void Say(ChatRoom room, ChatMessage message)
    {
        RelayBatch();
        Member.CountLines(1);
        room.Broadcast(message, Member);
        Hub.Publish(message);
    }

    /// <summary>
    /// Adds a line of sanitised text said in <paramref name="room"/> to the batch relayed at the end of this read
    /// (or sooner: when the room changes, or the batch is full): a burst goes to each member as one item.
    /// </summary>
    internal void SayInBatch(ChatRoom room, ReadOnlySpan<byte> text)
    {
        if (!ReferenceEquals(room, _batch?.Room))
        {
            RelayBatch();
        }

        _batch ??= new RoomMessageBatch();
        _batch.Room = room;
        _batch.Append(text);
        if (_batch.Length >= BatchLimitBytes())
        {
            RelayBatch();
        }
    }

    /// <summary>
    /// Relays the pending batch of room messages as one message. A batch stays well inside a member's send
    /// queue limit, so batching never makes a reading member look slow. A command relays it first: its effects
    /// (a nick change, a part) come after the messages sent before it.
    /// </summary>
    internal void RelayBatch()
    {
        if (_batch is { IsEmpty: false, Room: { } room } batch && !_departed)
        {
            int lines = batch.Lines;
            var text = batch.Take();
            Member.CountLines(lines);
            var message = ChatMessage.Say(Nick, room.Name, text, Member.UserHost);
            room.Broadcast(message, Member);
            Hub.Publish(message);
        }
    }

    /// <summary>
    /// Tells the other members of <paramref name="room"/> about a join or leave, unless the room, counted with
    /// the one who comes or goes (<paramref name="size"/>), is too big to announce in.
    /// </summary>
    internal void Announce(ChatRoom room, ChatMessage message, int size)
    {
        if (AnnouncesAt(size))
        {
            room.Broadcast(message, Member);
            Hub.Publish(message);
        }
    }

    /// <summary>Whether a join or leave is announced in a room of <paramref name="size"/> (counted with the one who comes or goes).</summary>
    internal bool AnnouncesAt(int size)
    {
        int upTo = _shared.Settings.Chat.AnnounceMembershipUpTo;
        return upTo == 0 || size <= upTo;
    }

    /// <summary>
    /// Takes <paramref name="nick"/> (already valid) and tells everyone who shares a room with the client, once
    /// each; false, and nothing changes, when someone else has it. With a backplane the other instances are
    /// asked first (it completes later: call it off the event loop); without, it completes at once.
    /// </summary>
    internal async Task<bool> TryChangeNickAsync(string nick)
    {
        RelayBatch();
        var member = Member;
        string old = member.Nick;
        if (!await Hub.TryClaimNickAsync(nick, member).ConfigureAwait(false))
        {
            return false;
        }

        // The rooms are told first: once the client reads its confirmation, every member who was in its rooms
        // has the notice, and one who joins later does not get it (ChatUsers in the tests relies on this).
        string from = old;
        Hub.TellRoommates(member, room => ChatMessage.NickChanged(from, nick, room.Name, member.UserHost));
        ChatLog.NickChanged(Log, old, nick);
        return true;
    }

    /// <summary>Joins <paramref name="name"/> (valid), telling its members unless the room is too big to announce in.</summary>
    internal ChatRoom JoinRoom(string name)
    {
        RelayBatch();
        var room = Hub.Join(name, Member);
        Announce(room, ChatMessage.Joined(Nick, room.Name, Member.UserHost), room.Members.Length);
        ChatLog.Joined(Log, Nick, room.Name);
        return room;
    }

    /// <summary>Leaves <paramref name="room"/>, telling its members unless it is too big to announce in.</summary>
    internal void LeaveRoom(ChatRoom room, string reason)
    {
        RelayBatch();
        Hub.Leave(room, Member);
        Announce(room, ChatMessage.Left(Nick, room.Name, reason, Member.UserHost), room.Members.Length + 1);
    }

    /// <summary>
    /// The member's state as plain data (<see cref="MemberState"/>): nick, rooms, counters, line-rate tokens, the
    /// output queued and not yet handed to the socket, the input read and not yet handled, and what its protocol
    /// keeps (<see cref="StateAttributes"/>). Taken once the session no longer reads (the server stopped
    /// reading), so no line is half handled: what the session had not handled is still in its input, unconsumed.
    /// </summary>
    public MemberState CaptureState() => CaptureState(Member.Queue.CopyPending());

    private MemberState CaptureState(byte[] unsentOutput) => new()
    {
        Protocol = Member.Renderer.ProtocolName,
        Nick = Member.Nick,
        Rooms = Member.Rooms.Select(r => r.Name).ToArray(),
        UnsentOutput = unsentOutput,
        PendingInput = CopyUnhandledInput(),
        SkippingLongLine = _framer.IsSkippingLongLine,
        RateTokens = _bucket.Tokens,
        LinesSent = Member.LinesSent,
        LinesTooLong = _linesTooLong,
        Attributes = StateAttributes,
    };

    public override byte[] SaveState() => MemberStateCodec.Encode(CaptureState());

    public override async Task<byte[]?> HandOverAsync(CancellationToken giveUp)
    {
        // What a running drain took is on its way to the socket and not in the state: wait for the queue to be
        // quiet. A client whose socket is full at the deadline loses what that drain holds (at most one
        // gather, OutboundQueue.GatherBytes); the rest of its queue is in the state.
        while (!Member.Queue.IsQuiet && !giveUp.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(10, giveUp).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Frozen: what the state carries is never also sent from here.
        byte[] state = MemberStateCodec.Encode(CaptureState(Member.Queue.Freeze()));
        Depart(announce: false, handingOver: true);
        return state;
    }

    /// <summary>
    /// The bytes in the input that no line was made of yet, left where they are. A canceled read is what returns
    /// all of them at once: a plain one returns only once bytes beyond those last examined arrive.
    /// </summary>
    private byte[] CopyUnhandledInput()
    {
        _input.CancelPendingRead();
        if (!_input.TryRead(out var result))
        {
            return [];
        }

        byte[] unhandled = result.Buffer.ToArray();
        _input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        return unhandled;
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
    // For the same reason the lines of a read are handled by a synchronous method, and a paused read (a
    // throttled client, a command that runs off the loop) goes on in a method of its own, so that no buffer,
    // line or read result is kept in this box.
    public override async Task<ShutdownReason> RunAsync(CancellationToken stopReading)
    {
        Member.Queue.Start(this);
        ShutdownReason? reason = null;
        try
        {
            Start();
            PipeReader input = _input;
            bool readCanceled = false;
            while (reason is null)
            {
                // The read gets no token: the server cancels the pending read of every connection when it
                // stops reading (ConnectionServer), and the token is looked at before each read for one that
                // starts after that.
                if (stopReading.IsCancellationRequested)
                {
                    reason = ShutdownReason.ServerStopping;
                    break;
                }

                var result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                if (result.IsCanceled && stopReading.IsCancellationRequested)
                {
                    input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    reason = ShutdownReason.ServerStopping;
                    break;
                }

                var buffer = result.Buffer;
                bool ended = result.IsCompleted;
                readCanceled |= result.IsCanceled;
                ReadPause pause = default;
                try
                {
                    reason = HandleLines(ref buffer, ended, out pause);
                }
                finally
                {
                    // Lines read are relayed before the next read (or a paused read's wait), whatever ends this batch.
                    RelayBatch();
                    if (!pause.IsPaused)
                    {
                        input.AdvanceTo(buffer.Start, buffer.End);
                    }
                }

                if (pause.IsPaused)
                {
                    reason = await HandleRestOfReadAsync(input, buffer, ended, pause, stopReading).ConfigureAwait(false);
                }

                if (reason is null && (ended || readCanceled))
                {
                    reason = ShutdownReason.ClientClosed;
                }
            }
        }
        catch
        {
            Depart(announce: true);
            Member.Queue.Complete();
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
    /// Why the handling of a read stopped before its last line: the client is over its line rate
    /// (<see cref="Throttle"/> until its next line may be handled), or work must run off the event loop
    /// (<see cref="OffLoop"/>; its line is already past in the buffer).
    /// </summary>
    private readonly record struct ReadPause(TimeSpan? Throttle, Func<Task<bool>>? OffLoop)
    {
        public bool IsPaused => Throttle is not null || OffLoop is not null;
    }

    /// <summary>
    /// Handles the lines at the front of <paramref name="buffer"/>, which is advanced past them; says why the
    /// session ends if it does. When it returns with <paramref name="pause"/> set, the rest of the buffer waits.
    /// </summary>
    private ShutdownReason? HandleLines(ref ReadOnlySequence<byte> buffer, bool isCompleted, out ReadPause pause)
    {
        pause = default;
        _framer.MaxLineBytes = MaxLineBytes;
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
                pause = new ReadPause(wait, null);
                buffer = unhandled;
                _framer = framerBefore;
                return null;
            }

            bool goesOn = HandleLine(line, out var walk);
            var offLoop = _offLoop;
            _offLoop = null;
            if (walk is not null)
            {
                offLoop = offLoop is null ? () => Task.FromResult(walk()) : async () => walk() && await offLoop().ConfigureAwait(false);
            }

            if (!goesOn)
            {
                return ShutdownReason.ClientQuit;
            }

            if (offLoop is not null)
            {
                pause = new ReadPause(null, offLoop);
                return null;
            }
        }
    }

    /// <summary>Copies a framed line out of the transport's buffers (a line is short) and hands it to the protocol.</summary>
    private bool HandleLine(in ReadOnlySequence<byte> line, out Func<bool>? offLoop)
    {
        if (line.IsSingleSegment)
        {
            return HandleLine(line.FirstSpan, out offLoop);
        }

        int length = (int)line.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            line.CopyTo(rented);
            return HandleLine(rented.AsSpan(0, length), out offLoop);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The rest of a read whose handling paused: a client over its line rate waits for each line's token (not
    /// reading is the throttle: the transport's buffer fills, then TCP's window closes on the client); a command
    /// that walks shared state runs on the thread pool while the session waits for it, so the event loop goes on
    /// serving everyone else.
    /// </summary>
    private async Task<ShutdownReason?> HandleRestOfReadAsync(PipeReader input, ReadOnlySequence<byte> buffer, bool isCompleted, ReadPause pause, CancellationToken stopReading)
    {
        try
        {
            while (true)
            {
                // What was read before the pause goes out now, not after the wait.
                RelayBatch();
                if (pause.OffLoop is { } work)
                {
                    if (!await Task.Run(work).ConfigureAwait(false))
                    {
                        return ShutdownReason.ClientQuit;
                    }

                    // Work off the loop may leave more (a command walking a room that then asks other instances).
                    while (_offLoop is { } more)
                    {
                        _offLoop = null;
                        if (!await more().ConfigureAwait(false))
                        {
                            return ShutdownReason.ClientQuit;
                        }
                    }
                }
                else
                {
                    bool peerGone = await WaitForTokenAsync(pause.Throttle!.Value, stopReading).ConfigureAwait(false);
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
                }

                var reason = HandleLines(ref buffer, isCompleted, out pause);
                if (reason is not null || !pause.IsPaused)
                {
                    return reason;
                }
            }
        }
        finally
        {
            RelayBatch();
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>The client is done (closed, quit): leave the rooms, then deliver what is queued.</summary>
    private async Task LeaveAsync(ShutdownReason reason)
    {
        Depart(announce: true);
        if (reason == ShutdownReason.ClientQuit)
        {
            Send(QuitReply());
        }

        Member.Queue.Complete();
        try
        {
            // A client that closed its side may still read what is queued; one that reads nothing is not waited for long.
            await Member.Queue.Sent.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _connection.Abort(ShutdownReason.SlowClient);
        }
    }

    public override async Task FinishAsync()
    {
        // Past the limit if need be: a client about to be closed may hear why.
        Member.Queue.TryEnqueue(ShuttingDownReply(), enforceLimit: false);
        Depart(announce: false);
        Member.Queue.Complete();
        await Member.Queue.Sent.ConfigureAwait(false);
    }

    /// <summary>A new client is greeted; a restored one takes its place again (unless <see cref="Rejoin"/> already did).</summary>
    private void Start()
    {
        if (_rejoined)
        {
            return;
        }

        if (_restored is { } restored)
        {
            _restored = null;
            Restore(restored);
            return;
        }

        Greet();
    }

    /// <summary>
    /// A restored member takes its place before it reads: all members handed over together are back in their
    /// rooms before any of them says the lines it carried over, so nobody misses one (ConnectionServer.Adopt).
    /// </summary>
    public override void Rejoin()
    {
        if (_restored is { } restored)
        {
            _restored = null;
            _rejoined = true;
            Restore(restored);
        }
    }

    /// <summary>
    /// What every protocol restores the same way: the unsent output first, the counters and line-rate tokens,
    /// and the nick if it is still free (a guest nick otherwise). The rooms are the protocol's to rejoin.
    /// </summary>
    private protected void RestoreCommon(MemberState restored)
    {
        if (restored.UnsentOutput.Length > 0)
        {
            Member.Send(restored.UnsentOutput);
        }

        Member.CountLines(restored.LinesSent);
        _linesTooLong = restored.LinesTooLong;
        _bucket.Restore(restored.RateTokens);
        if (restored.Nick.Length == 0 || !NickName.IsValid(restored.Nick) || !Hub.TryClaimNick(restored.Nick, Member))
        {
            Hub.ClaimGuestNick(Member);
        }
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
        _linesTooLong++;
        Send(LineTooLongReply(max));
        if (!_loggedTooLong)
        {
            _loggedTooLong = true;
            if (_shared.LimitLog.LineTooLong.TryEnter(out long suppressed))
            {
                ChatLog.LineTooLong(Log, Nick, max, suppressed);
            }
        }
    }

    private int BatchLimitBytes()
    {
        int queueLimit = _shared.Settings.Limits.SendQueueBytes;
        return queueLimit == 0 ? RoomMessageBatch.DefaultMaxBytes : Math.Min(RoomMessageBatch.DefaultMaxBytes, queueLimit / 4);
    }

    /// <summary>
    /// Leaves every room (its roommates told, once each, of a quit or a disconnection when
    /// <paramref name="announce"/>) and gives up the nick; once.
    /// </summary>
    private void Depart(bool announce, bool handingOver = false)
    {
        if (_departed)
        {
            return;
        }

        _departed = true;
        _batch?.Release();
        string? quit = QuitReason;
        string how = _connection.Reason switch
        {
            ShutdownReason.SlowClient => "slow client",
            ShutdownReason.ConnectionReset => "connection reset",
            _ => "connection closed",
        };
        Hub.Depart(Member, !announce
            ? null
            : room => !AnnouncesAt(room.Members.Length + 1) ? null
                : quit is not null ? ChatMessage.Quit(Nick, room.Name, quit, Member.UserHost)
                : ChatMessage.Disconnected(Nick, room.Name, how, Member.UserHost), handingOver);
        ChatLog.Left(Log, Nick, _connection.Reason?.ToString() ?? (announce ? quit ?? "" : "server stopping"));
    }
}
