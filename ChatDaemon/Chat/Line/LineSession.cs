using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ChatDaemon.Networking;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat.Line;

/// <summary>
/// The line protocol's front end for one client: reads its lines (framed, sanitised, rate limited), runs its
/// commands (<see cref="LineCommands"/>), and says its messages in its room through its <see cref="ChatMember"/>,
/// which is what the room holds. Owns the single writer of the member's <see cref="OutboundQueue"/>.
/// </summary>
public sealed class LineSession : ProtocolSession, IOutboundQueueOwner
{
    /// <summary>The protocol name in <see cref="MemberState.Protocol"/>.</summary>
    public const string ProtocolName = "line";

    /// <summary>
    /// How often a throttled client, which is not being read, is looked at for a reset: a client that went away
    /// is noticed within this, not after the minutes its unread lines would take at its rate (issue 11, D1).
    /// </summary>
    private static readonly TimeSpan PeerCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly ClientConnection _connection;
    private readonly LineSessionServices _shared;
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

    internal LineSession(ClientConnection connection, LineSessionServices shared, MemberState? restored = null)
    {
        if (restored is not null && restored.Protocol != ProtocolName)
        {
            throw new ArgumentException($"state of a {restored.Protocol} member cannot be restored as a {ProtocolName} session", nameof(restored));
        }

        _connection = connection;
        _shared = shared;
        _bucket = new TokenBucket(shared.Time);
        _framer = new LineFramer(shared.Settings.Limits.MaxLineBytes) { IsSkippingLongLine = restored?.SkippingLongLine ?? false };
        _input = restored is { PendingInput.Length: > 0 } ? new PrefixedPipeReader(restored.PendingInput, connection.Input) : connection.Input;
        _restored = restored;
        Member = new ChatMember(LineRenderer.Instance, new OutboundQueue(), connection);
    }

    /// <summary>What the rooms hold of this client.</summary>
    public ChatMember Member { get; }

    public string Nick => Member.Nick;

    internal ChatHub Hub => _shared.Hub;

    internal LineCommandTable Commands => _shared.Commands;

    /// <summary>The room the client is in (the line protocol keeps it in exactly one while it is served).</summary>
    internal ChatRoom Room => Member.Rooms[0];

    /// <summary>What the room hears when the client quits: " (quit: reason)".</summary>
    internal string QuitReason { get; set; } = "";

    /// <summary>
    /// This client's events carry its connection's id and address. Made per event rather than held: an idle
    /// client keeps no logging state (see <see cref="ConnectionLogger"/>).
    /// </summary>
    internal ConnectionLogger Log => new(_shared.Logger, _connection);

    /// <summary>Queues a reply for this client alone.</summary>
    internal void Send(byte[] line) => Member.Send(line);

    internal void SendAll(IEnumerable<byte[]> lines)
    {
        foreach (var line in lines)
        {
            Member.Send(line);
        }
    }

    /// <summary>Says <paramref name="message"/> in the client's room, after what it said before.</summary>
    internal void Say(ChatMessage message)
    {
        RelayBatch();
        Member.CountLines(1);
        Room.Broadcast(message, Member);
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
        }
    }

    /// <summary>Whether a join or leave is announced in a room of <paramref name="size"/> (counted with the one who comes or goes).</summary>
    private bool AnnouncesAt(int size)
    {
        int upTo = _shared.Settings.Chat.AnnounceMembershipUpTo;
        return upTo == 0 || size <= upTo;
    }

    /// <summary>
    /// The member's state as plain data (<see cref="MemberState"/>): nick, room, counters, line-rate tokens, the
    /// output queued and not yet handed to the socket, and the input read and not yet handled. Taken once the
    /// session no longer reads (the server stopped reading), so no line is half handled: what the session had not
    /// handled is still in its input, unconsumed.
    /// </summary>
    public MemberState CaptureState() => CaptureState(Member.Queue.CopyPending());

    private MemberState CaptureState(byte[] unsentOutput) => new()
    {
        Protocol = ProtocolName,
        Nick = Member.Nick,
        Rooms = Member.Rooms.Select(r => r.Name).ToArray(),
        UnsentOutput = unsentOutput,
        PendingInput = CopyUnhandledInput(),
        SkippingLongLine = _framer.IsSkippingLongLine,
        RateTokens = _bucket.Tokens,
        LinesSent = Member.LinesSent,
        LinesTooLong = _linesTooLong,
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
        Depart(leaveNotice: null);
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
            Greet();
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
            Depart(leaveNotice: "");
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
    /// (<see cref="Throttle"/> until its next line may be handled), or a command must run off the event loop
    /// (<see cref="Command"/>, already past in the buffer).
    /// </summary>
    private readonly record struct ReadPause(TimeSpan? Throttle, LineCommand? Command, string Argument)
    {
        public bool IsPaused => Throttle is not null || Command is not null;
    }

    /// <summary>
    /// Handles the lines at the front of <paramref name="buffer"/>, which is advanced past them; says why the
    /// session ends if it does. When it returns with <paramref name="pause"/> set, the rest of the buffer waits.
    /// </summary>
    private ShutdownReason? HandleLines(ref ReadOnlySequence<byte> buffer, bool isCompleted, out ReadPause pause)
    {
        pause = default;
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
                pause = new ReadPause(wait, null, "");
                buffer = unhandled;
                _framer = framerBefore;
                return null;
            }

            if (!HandleLine(line, out var offLoop, out string argument))
            {
                return ShutdownReason.ClientQuit;
            }

            if (offLoop is not null)
            {
                pause = new ReadPause(null, offLoop, argument);
                return null;
            }
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
                if (pause.Command is { } command)
                {
                    string argument = pause.Argument;
                    if (!await Task.Run(() => command.Handler(this, argument)).ConfigureAwait(false))
                    {
                        return ShutdownReason.ClientQuit;
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

    /// <summary>The client is done (closed, quit): leave the room, then deliver what is queued.</summary>
    private async Task LeaveAsync(ShutdownReason reason)
    {
        Depart(reason == ShutdownReason.ClientQuit ? QuitReason : "");
        if (reason == ShutdownReason.ClientQuit)
        {
            Send(LineText.Bye);
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
        Member.Queue.TryEnqueue(LineText.ShuttingDown, enforceLimit: false);
        Depart(leaveNotice: null);
        Member.Queue.Complete();
        await Member.Queue.Sent.ConfigureAwait(false);
    }

    /// <summary>
    /// A new client gets a nick, the message of the day, and the default room, announced. A restored one (a
    /// connection adopted with its <see cref="MemberState"/>) gets its nick back if it is free, its room, its
    /// unsent output first, its line-rate tokens and counters, and no greeting: for it nothing happened.
    /// </summary>
    private void Greet()
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

        Hub.ClaimGuestNick(Member);
        string motd = _shared.Settings.Chat.Motd;
        if (!string.IsNullOrEmpty(motd))
        {
            foreach (string line in motd.ReplaceLineEndings("\n").Split('\n'))
            {
                Send(LineText.Notice(line));
            }
        }

        var room = Hub.Join(_shared.Settings.Chat.DefaultRoom, Member);
        Send(LineText.Notice($"you are {Nick} in room {room.Name}"));
        Announce(room, ChatMessage.Joined(Nick, room.Name), room.Members.Length);
        ChatLog.Joined(Log, Nick, room.Name);
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

    private void Restore(MemberState restored)
    {
        if (restored.UnsentOutput.Length > 0)
        {
            Member.Send(restored.UnsentOutput);
        }

        // At most one line says anything happened (the output above was due anyway).
        string notice = _shared.Settings.Chat.RestartNotice;
        if (notice.Length > 0)
        {
            Send(LineText.Notice(notice));
        }

        Member.CountLines(restored.LinesSent);
        _linesTooLong = restored.LinesTooLong;
        _bucket.Restore(restored.RateTokens);
        if (restored.Nick.Length == 0 || !NickName.IsValid(restored.Nick) || !Hub.TryClaimNick(restored.Nick, Member))
        {
            Hub.ClaimGuestNick(Member);
        }

        string name = restored.Rooms.Count > 0 && RoomName.IsValid(restored.Rooms[0]) ? restored.Rooms[0] : _shared.Settings.Chat.DefaultRoom;
        Hub.Join(name, Member);
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
        _linesTooLong++;
        Send(LineText.Error($"line too long (max {max} bytes)"));
        if (!_loggedTooLong)
        {
            _loggedTooLong = true;
            if (_shared.LimitLog.LineTooLong.TryEnter(out long suppressed))
            {
                ChatLog.LineTooLong(Log, Nick, max, suppressed);
            }
        }
    }

    /// <summary>
    /// Handles one line; false when the client quits. A command that must run off the event loop is not run
    /// here but handed back in <paramref name="offLoop"/>.
    /// </summary>
    private bool HandleLine(in ReadOnlySequence<byte> line, out LineCommand? offLoop, out string argument)
    {
        offLoop = null;
        argument = "";
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

            if (text[0] != (byte)'/' || (text.Length > 1 && text[1] == (byte)'/'))
            {
                // "//" sends a line that starts with "/".
                _batch ??= new RoomMessageBatch();
                _batch.Append(text[0] == (byte)'/' ? text[1..] : text);
                if (_batch.Length >= BatchLimitBytes())
                {
                    RelayBatch();
                }

                return true;
            }

            // A command's effects (a nick change, a /me) come after the messages sent before it.
            RelayBatch();
            var input = LineInput.Parse(Encoding.UTF8.GetString(text));
            if (Commands.Find(input.Name) is not { } command)
            {
                Send(LineText.Error($"unknown command /{input.Name} (try /help)"));
                return true;
            }

            if (command.WalksSharedState)
            {
                offLoop = command;
                argument = input.Argument;
                return true;
            }

            return command.Handler(this, input.Argument);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Relays the pending batch of room messages as one message. A batch stays well inside a member's send
    /// queue limit, so batching never makes a reading member look slow.
    /// </summary>
    private void RelayBatch()
    {
        if (_batch is { IsEmpty: false } batch && !_departed)
        {
            int lines = batch.Lines;
            var text = batch.Take();
            Member.CountLines(lines);
            var room = Room;
            room.Broadcast(ChatMessage.Say(Nick, room.Name, text), Member);
        }
    }

    private int BatchLimitBytes()
    {
        int queueLimit = _shared.Settings.Limits.SendQueueBytes;
        return queueLimit == 0 ? RoomMessageBatch.DefaultMaxBytes : Math.Min(RoomMessageBatch.DefaultMaxBytes, queueLimit / 4);
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
        Hub.Depart(Member, leaveNotice is null
            ? null
            : room => AnnouncesAt(room.Members.Length + 1) ? ChatMessage.Left(Nick, room.Name, leaveNotice) : null);
        ChatLog.Left(Log, Nick, _connection.Reason?.ToString() ?? leaveNotice ?? "server stopping");
    }
}
