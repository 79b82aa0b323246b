using ChatDaemon.Chat;
using ChatDaemon.Chat.Line;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using ChatDaemon.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Tests.Chat;

/// <summary>Chat sessions driven over in-memory pipes: protocol behaviour without sockets or a host.</summary>
public sealed class LineSessionTests
{
    private readonly ChatHub _hub = new();
    private readonly ChatSettings _settings = new(
        new StaticOptionsMonitor<ChatOptions>(new ChatOptions { Motd = "hi" }),
        new StaticOptionsMonitor<LimitsOptions>(new LimitsOptions { LinesPerSecond = 0 }));

    private readonly List<(InMemoryConnection Client, CancellationToken Stop)> _clients = [];

    private LineSessionServices Services => ServicesWith(_settings);

    private LineSessionServices ServicesWith(ChatSettings settings) => new(_hub, settings, new ChatLimitLog(), NullLogger.Instance, TimeProvider.System);

    private (InMemoryConnection Client, LineSession Session, Task<ShutdownReason> Run) Start(string id, MemberState? restored = null, LimitsOptions? limits = null, CancellationToken stop = default)
    {
        var client = new InMemoryConnection(id);
        _clients.Add((client, stop));
        var services = limits is null ? Services : ServicesWith(new ChatSettings(new StaticOptionsMonitor<ChatOptions>(new ChatOptions()), new StaticOptionsMonitor<LimitsOptions>(limits)));
        var session = new LineSession(client.Connection, services, restored);
        return (client, session, session.RunAsync(stop));
    }

    /// <summary>What ConnectionServer does to stop reading: fire the token, then end the pending read of every connection it serves.</summary>
    private void StopReading(CancellationTokenSource stop)
    {
        stop.Cancel();
        foreach (var (client, token) in _clients)
        {
            if (token == stop.Token)
            {
                client.Connection.CancelPendingRead();
            }
        }
    }

    [Fact]
    public async Task A_session_greets_relays_to_the_room_and_ends_when_the_client_closes()
    {
        var (alice, _, aliceRun) = Start("a");
        Assert.Equal("* hi", await alice.ReadLineAsync());
        Assert.Equal("* you are guest-1 in room lobby", await alice.ReadLineAsync());
        var (bob, _, bobRun) = Start("b");
        await bob.ReadLineAsync();
        await bob.ReadLineAsync();
        Assert.Equal("* guest-2 joined lobby", await alice.ReadLineAsync());

        await bob.SendAsync("hello\r\n");
        Assert.Equal("<guest-2> hello", await alice.ReadLineAsync());

        bob.CloseInput();
        Assert.Equal(ShutdownReason.ClientClosed, await bobRun.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("* guest-2 left lobby", await alice.ReadLineAsync());
        Assert.Equal(1, _hub.ClientCount);
        Assert.Equal(1, _hub.LinesRelayed);
        alice.CloseInput();
        await aliceRun.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _hub.RoomCount);
    }

    [Fact]
    public async Task Lines_that_arrive_together_are_relayed_in_order_around_a_command_between_them()
    {
        var (alice, _, _) = Start("a");
        var (bob, _, bobRun) = Start("b");
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();

        // One write, so the session reads all of it at once: messages, a nick change, more messages.
        await bob.SendAsync("one\r\ntwo\r\n/nick bob\r\nthree\r\n/me waves\r\nfour\r\n");
        Assert.Equal("<guest-2> one", await alice.ReadLineAsync());
        Assert.Equal("<guest-2> two", await alice.ReadLineAsync());
        Assert.Equal("* guest-2 is now known as bob", await alice.ReadLineAsync());
        Assert.Equal("<bob> three", await alice.ReadLineAsync());
        Assert.Equal("* bob waves", await alice.ReadLineAsync());
        Assert.Equal("<bob> four", await alice.ReadLineAsync());
        bob.CloseInput();
        await bobRun.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, _hub.LinesRelayed); // four messages and the /me
    }

    [Fact]
    public async Task A_too_long_line_amid_a_burst_is_refused_to_its_sender_and_the_lines_around_it_are_relayed()
    {
        var (alice, _, _) = Start("a");
        var (bob, _, bobRun) = Start("b");
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await bob.ReadLineAsync();
        await bob.ReadLineAsync();

        // One write: a message, a line past the 4096-byte limit, and a control-character-laden message.
        await bob.SendAsync("before\r\n" + new string('x', 5000) + "\r\nafter\u0007\u001b[2J\r\n");
        Assert.Equal("! line too long (max 4096 bytes)", await bob.ReadLineAsync());
        Assert.Equal("<guest-2> before", await alice.ReadLineAsync());
        Assert.Equal("<guest-2> after[2J", await alice.ReadLineAsync());
        bob.CloseInput();
        Assert.Equal(ShutdownReason.ClientClosed, await bobRun.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("* guest-2 left lobby", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task A_last_line_without_a_line_ending_still_counts_at_end_of_stream()
    {
        var (alice, _, _) = Start("a");
        var (bob, _, bobRun) = Start("b");
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await bob.SendAsync("no newline");
        bob.CloseInput();
        await bobRun.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("<guest-2> no newline", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task On_server_stop_a_session_stops_reading_and_finishes_with_the_notice()
    {
        using var stop = new CancellationTokenSource();
        var (alice, session, run) = Start("a", stop: stop.Token);
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();

        StopReading(stop);
        Assert.Equal(ShutdownReason.ServerStopping, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        await session.FinishAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("* server shutting down", await alice.ReadLineAsync());
        Assert.Equal(0, _hub.ClientCount);
    }

    [Fact]
    public async Task On_server_stop_every_session_waiting_for_input_stops_reading_and_none_reads_what_comes_after()
    {
        using var stop = new CancellationTokenSource();
        var (alice, _, aliceRun) = Start("a", stop: stop.Token);
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        var (bob, _, bobRun) = Start("b", stop: stop.Token);
        await bob.ReadLineAsync();
        await bob.ReadLineAsync();
        Assert.Equal("* guest-2 joined lobby", await alice.ReadLineAsync());

        StopReading(stop);
        Assert.Equal(ShutdownReason.ServerStopping, await aliceRun.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(ShutdownReason.ServerStopping, await bobRun.WaitAsync(TimeSpan.FromSeconds(10)));

        // A session that started after the stop does not read either.
        var (carol, _, carolRun) = Start("c", stop: stop.Token);
        await carol.SendAsync("/nick carol\r\n");
        Assert.Equal(ShutdownReason.ServerStopping, await carolRun.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("guest-3", _hub.FindByNick("guest-3")?.Nick);
    }

    [Fact]
    public async Task Quit_ends_the_session_with_its_reason()
    {
        var (alice, _, run) = Start("a");
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await alice.SendAsync("/quit done\n");
        Assert.Equal(ShutdownReason.ClientQuit, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("* bye", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task A_stopped_session_captures_its_member_state_and_a_session_restored_from_it_carries_on_without_a_greeting()
    {
        using var stop = new CancellationTokenSource();
        var (alice, aliceSession, aliceRun) = Start("a", stop: stop.Token);
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await alice.SendAsync("/nick alice\r\n/join dev\r\none\r\ntwo\r\n");
        Assert.Equal("* you are now known as alice", await alice.ReadLineAsync());
        Assert.Equal("* you are now in dev (1 here)", await alice.ReadLineAsync());
        var (bob, _, bobRun) = Start("b");
        await bob.ReadLineAsync();
        await bob.ReadLineAsync();
        await bob.SendAsync("/join dev\r\n");
        Assert.Equal("* you are now in dev (2 here)", await bob.ReadLineAsync());
        Assert.Equal("* guest-2 joined dev", await alice.ReadLineAsync());

        StopReading(stop);
        Assert.Equal(ShutdownReason.ServerStopping, await aliceRun.WaitAsync(TimeSpan.FromSeconds(10)));
        var state = MemberStateCodec.Decode(MemberStateCodec.Encode(aliceSession.CaptureState()));
        Assert.Equal("line", state.Protocol);
        Assert.Equal("alice", state.Nick);
        Assert.Equal(["dev"], state.Rooms);
        Assert.Equal(2, state.LinesSent);
        await aliceSession.FinishAsync().WaitAsync(TimeSpan.FromSeconds(10));

        // A new connection adopts alice's state, with output that had not reached her socket.
        var restoredState = new MemberState
        {
            Protocol = state.Protocol,
            Nick = state.Nick,
            Rooms = state.Rooms,
            LinesSent = state.LinesSent,
            RateTokens = state.RateTokens,
            UnsentOutput = "* was queued\r\n"u8.ToArray(),
        };
        var (again, _, _) = Start("a2", restored: restoredState);
        Assert.Equal("* was queued", await again.ReadLineAsync());
        await again.SendAsync("back\r\n");
        Assert.Equal("<alice> back", await bob.ReadLineAsync());
        Assert.Equal(3, _hub.FindByNick("alice")!.LinesSent);
        await bob.SendAsync("/who\r\n");
        Assert.Equal("* in dev: alice, guest-2", await bob.ReadLineAsync());
        bob.CloseInput();
        await bobRun.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Bob, in room dev, and alice, who joined it and whose session runs until <paramref name="stop"/>.</summary>
    private async Task<(InMemoryConnection Alice, LineSession Session, Task<ShutdownReason> Run, InMemoryConnection Bob)> AliceAndBobInDevAsync(CancellationToken stop, LimitsOptions? aliceLimits = null)
    {
        var (bob, _, _) = Start("b");
        await bob.ReadLineAsync();
        await bob.ReadLineAsync();
        await bob.SendAsync("/nick bob\r\n/join dev\r\n");
        Assert.Equal("* you are now known as bob", await bob.ReadLineAsync());
        Assert.Equal("* you are now in dev (1 here)", await bob.ReadLineAsync());
        var (alice, session, run) = Start("a", stop: stop, limits: aliceLimits);
        while (!(await alice.ReadLineAsync()).StartsWith("* you are guest-", StringComparison.Ordinal))
        {
        }

        await alice.SendAsync("/nick alice\r\n/join dev\r\n");
        Assert.Equal("* you are now known as alice", await alice.ReadLineAsync());
        Assert.Equal("* you are now in dev (2 here)", await alice.ReadLineAsync());
        Assert.Equal("* alice joined dev", await bob.ReadLineAsync());
        return (alice, session, run, bob);
    }

    private static MemberState HandOver(LineSession session) => MemberStateCodec.Decode(MemberStateCodec.Encode(session.CaptureState()));

    [Fact]
    public async Task A_partial_line_read_before_the_handover_is_completed_by_the_bytes_the_client_sends_after_it()
    {
        using var stop = new CancellationTokenSource();
        var (alice, session, run, bob) = await AliceAndBobInDevAsync(stop.Token);

        // One write: once the first line is answered, the session has read the partial one too.
        await alice.SendAsync("first\r\nhalf a li");
        Assert.Equal("<alice> first", await bob.ReadLineAsync());
        StopReading(stop);
        Assert.Equal(ShutdownReason.ServerStopping, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        var state = HandOver(session);
        Assert.Equal("half a li"u8.ToArray(), state.PendingInput);
        Assert.False(state.SkippingLongLine);
        Depart(session);

        var (again, _, _) = Start("a2", restored: state);
        await again.SendAsync("ne\r\nsecond\r\n");
        Assert.Equal("<alice> half a line", await bob.ReadLineAsync());
        Assert.Equal("<alice> second", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Lines_held_back_by_the_line_rate_at_the_handover_are_said_by_the_restored_session_in_order()
    {
        using var stop = new CancellationTokenSource();
        var slow = new LimitsOptions { LinesPerSecond = 0.01, LineBurst = 4 };
        var (alice, session, run, bob) = await AliceAndBobInDevAsync(stop.Token, slow);

        // The two commands took two tokens: two of these lines are said, the other three wait for the rate.
        await alice.SendAsync("one\r\ntwo\r\nthree\r\nfour\r\nfive\r\n");
        Assert.Equal("<alice> one", await bob.ReadLineAsync());
        Assert.Equal("<alice> two", await bob.ReadLineAsync());
        StopReading(stop);
        Assert.Equal(ShutdownReason.ServerStopping, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        var state = HandOver(session);
        Assert.Equal("three\r\nfour\r\nfive\r\n"u8.ToArray(), state.PendingInput);
        Assert.True(state.RateTokens < 1, $"tokens left: {state.RateTokens}");
        Depart(session);

        // This process has no line rate: the held lines go out at once, before anything sent later.
        var (again, _, _) = Start("a2", restored: state);
        await again.SendAsync("six\r\n");
        Assert.Equal("<alice> three", await bob.ReadLineAsync());
        Assert.Equal("<alice> four", await bob.ReadLineAsync());
        Assert.Equal("<alice> five", await bob.ReadLineAsync());
        Assert.Equal("<alice> six", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task The_rest_of_an_over_long_line_sent_after_the_handover_is_skipped_not_said()
    {
        using var stop = new CancellationTokenSource();
        var (alice, session, run, bob) = await AliceAndBobInDevAsync(stop.Token);

        await alice.SendAsync(new string('x', 5000));
        Assert.StartsWith("! line too long", await alice.ReadLineAsync(), StringComparison.Ordinal);
        StopReading(stop);
        Assert.Equal(ShutdownReason.ServerStopping, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        var state = HandOver(session);
        Assert.True(state.SkippingLongLine);
        Assert.Empty(state.PendingInput);
        Depart(session);

        var (again, _, _) = Start("a2", restored: state);
        await again.SendAsync("xxxx tail of the long line\r\nshort\r\n");
        Assert.Equal("<alice> short", await bob.ReadLineAsync());
    }

    /// <summary>What the old process does once a member's state is taken: the member leaves its rooms unannounced.</summary>
    private static void Depart(LineSession session) => _ = session.FinishAsync();

    [Fact]
    public async Task A_restored_nick_that_someone_took_meanwhile_becomes_a_guest_nick()
    {
        var (alice, _, _) = Start("a");
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await alice.SendAsync("/nick alice\r\n");
        Assert.Equal("* you are now known as alice", await alice.ReadLineAsync());

        var (other, session, _) = Start("b", restored: new MemberState { Protocol = "line", Nick = "alice", Rooms = ["lobby"] });
        Assert.Equal("* server restarted", await other.ReadLineAsync());
        await other.SendAsync("/nick\r\n");
        Assert.Equal("! usage: /nick NAME", await other.ReadLineAsync());
        Assert.StartsWith("guest-", session.Nick);
    }

    [Fact]
    public void State_of_another_protocol_is_refused_by_a_line_session()
    {
        var client = new InMemoryConnection("x");
        var ex = Assert.Throws<ArgumentException>(() => new LineSession(client.Connection, Services, new MemberState { Protocol = "irc", Nick = "a" }));
        Assert.Contains("irc", ex.Message);
    }

    [Fact]
    public async Task Rooms_with_five_thousand_rooms_lists_the_first_fifty_by_name_and_counts_the_rest()
    {
        for (int i = 0; i < 5000; i++)
        {
            _hub.Join($"r{i:D5}", new ChatMember(LineRenderer.Instance, new OutboundQueue()));
        }

        var (alice, _, _) = Start("a");
        await alice.ReadLineAsync();
        await alice.ReadLineAsync();
        await alice.SendAsync("/rooms\r\n");
        Assert.Equal("* rooms: 5001 (narrow the list with /rooms PREFIX)", await alice.ReadLineAsync());
        var listed = new List<string>();
        string line;
        while (!(line = await alice.ReadLineAsync()).StartsWith("* ... and ", StringComparison.Ordinal))
        {
            Assert.True(line.Length <= ListReply.LineBytes, line);
            listed.AddRange(line[2..].TrimEnd(',').Split(", "));
        }

        Assert.Equal("* ... and 4951 more", line);
        Assert.Equal(LineCommands.RoomsShows, listed.Count);
        Assert.Equal("lobby (1)", listed[0]);
        Assert.Equal(Enumerable.Range(0, 49).Select(i => $"r{i:D5} (1)"), listed[1..]);
    }
}
