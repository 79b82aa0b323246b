using System.Text;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>The chat protocol on the default transport (epoll); <see cref="ChatProtocolOnKestrelSocketsTests"/> runs the same on Kestrel's.</summary>
public class ChatProtocolTests : IAsyncLifetime
{
    private TestServer _server = null!;

    protected virtual string[] TransportKeys => [];

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        """{ "Listen": [ "chat=127.0.0.1:0" ], "Chat": { "Motd": "Hello there\nSecond line" } }""", TransportKeys);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task New_client_gets_the_motd_a_guest_nick_and_the_default_room()
    {
        await using var client = await LineClient.ConnectAsync(_server.ChatPort, readGreeting: false);
        Assert.Equal("* Hello there", await client.ReadLineAsync());
        Assert.Equal("* Second line", await client.ReadLineAsync());
        Assert.Matches(@"^\* you are guest-\d+ in room lobby$", await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_plain_line_reaches_every_other_member_of_the_room_but_not_the_sender()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob", "carol");
        var (alice, bob, carol) = users;

        await alice.SendAsync("hello room");

        Assert.Equal("<alice> hello room", await bob.ReadLineAsync());
        Assert.Equal("<alice> hello room", await carol.ReadLineAsync());
        await alice.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Joins_leaves_and_nick_changes_are_announced_to_the_room()
    {
        await using var alice = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("alice");
        await using var bob = await LineClient.ConnectAsync(_server.ChatPort);
        Assert.Equal($"* {bob.Nick} joined lobby", await alice.ReadLineAsync());

        string guest = bob.Nick;
        await bob.WithNickAsync("bob");
        Assert.Equal($"* {guest} is now known as bob", await alice.ReadLineAsync());

        await bob.SendAsync("/join dev");
        Assert.Equal("* you are now in dev (1 here)", await bob.ReadLineAsync());
        Assert.Equal("* bob left lobby", await alice.ReadLineAsync());

        await alice.SendAsync("/join DEV");
        Assert.Equal("* you are now in dev (2 here)", await alice.ReadLineAsync());
        Assert.Equal("* alice joined dev", await bob.ReadLineAsync());

        await alice.SendAsync("in dev");
        Assert.Equal("<alice> in dev", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Nicks_are_unique_regardless_of_case_and_must_follow_the_rules()
    {
        await using var alice = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("alice");
        await using var other = await LineClient.ConnectAsync(_server.ChatPort);

        await other.SendAsync("/nick ALICE");
        Assert.Equal("! nick ALICE is taken", await other.ReadLineAsync());
        await other.SendAsync("/nick bad nick");
        Assert.StartsWith("! invalid nick", await other.ReadLineAsync());
        await other.SendAsync("/nick " + new string('x', 33));
        Assert.StartsWith("! invalid nick", await other.ReadLineAsync());
        await other.SendAsync("/nick");
        Assert.Equal("! usage: /nick NAME", await other.ReadLineAsync());

        // Nothing changed: still the guest nick.
        await other.SendAsync("/who");
        Assert.Equal($"* in lobby: alice, {other.Nick}", await other.ReadLineAsync());
    }

    [Fact]
    public async Task Who_and_rooms_list_members_and_rooms()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob", "carol");
        var (_, bob, carol) = users;
        await carol.SendAsync("/join ops");
        await carol.ReadLineAsync();

        await bob.SendAsync("/who");
        Assert.Equal("* in lobby: alice, bob", await bob.ReadUntilAsync(l => l.StartsWith("* in ")));
        await bob.SendAsync("/rooms");
        Assert.Equal("* rooms: lobby (2), ops (1)", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task A_private_message_reaches_only_its_target()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob", "carol");
        var (alice, bob, carol) = users;

        await alice.SendAsync("/msg Bob psst, secret");
        Assert.Equal("-> *bob* psst, secret", await alice.ReadUntilAsync(l => l.StartsWith("->")));
        Assert.Equal("*alice* psst, secret", await bob.ReadLineAsync());
        await carol.AssertNothingPendingAsync();

        await alice.SendAsync("/msg nobody hi");
        Assert.Equal("! no such nick: nobody", await alice.ReadLineAsync());
        await alice.SendAsync("/msg bob");
        Assert.Equal("! usage: /msg NICK text", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Me_tells_the_room_what_you_do()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob");
        var (alice, bob) = users;

        await alice.SendAsync("/me waves");
        Assert.Equal("* alice waves", await bob.ReadLineAsync());
        await alice.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Quit_says_bye_announces_the_reason_and_closes()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob");
        var (alice, bob) = users;

        await bob.SendAsync("/quit gotta go");
        Assert.Equal("* bye", await bob.ReadLineAsync());
        Assert.True(await bob.IsClosedByServerAsync());
        Assert.Equal("* bob left lobby (quit: gotta go)", await alice.ReadLineAsync());

        // The nick is free again.
        await using var again = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("bob");
    }

    [Fact]
    public async Task A_client_that_disconnects_is_announced_as_leaving()
    {
        await using var alice = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("alice");
        var bob = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("bob");
        await alice.ReadUntilAsync(l => l.EndsWith("is now known as bob"));
        await bob.DisposeAsync();
        Assert.Equal("* bob left lobby", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task An_unknown_command_or_bad_argument_gets_an_error_and_changes_nothing()
    {
        await using var alice = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("alice");
        await alice.SendAsync("/frobnicate now");
        Assert.Equal("! unknown command /frobnicate (try /help)", await alice.ReadLineAsync());
        await alice.SendAsync("/join bad room!");
        Assert.StartsWith("! invalid room name", await alice.ReadLineAsync());
        await alice.SendAsync("/join lobby");
        Assert.Equal("! you are already in lobby", await alice.ReadLineAsync());
        await alice.SendAsync("/me");
        Assert.Equal("! usage: /me action", await alice.ReadLineAsync());
        await alice.SendAsync("/who");
        Assert.Equal("* in lobby: alice", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        await using var alice = await LineClient.ConnectAsync(_server.ChatPort);
        await alice.SendAsync("/help");
        var lines = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            lines.Add(await alice.ReadLineAsync());
        }

        foreach (string command in new[] { "/nick", "/join", "/who", "/rooms", "/msg", "/me", "/quit", "/help" })
        {
            Assert.Contains(lines, l => l.Contains(command));
        }
    }

    [Fact]
    public async Task Control_characters_and_escape_sequences_never_reach_other_users()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob");
        var (alice, bob) = users;

        // ESC [ 2 J (clear screen), BEL, backspace, DEL, a C1 CSI (U+009B) and a tab.
        await alice.SendRawAsync([.. "a\u001b[2Jb\u0007c\bd\u007f"u8, 0xC2, 0x9B, .. "e\tf\r\n"u8]);
        Assert.Equal("<alice> a[2Jbcde\tf", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Invalid_utf8_becomes_replacement_characters()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob");
        var (alice, bob) = users;

        await alice.SendRawAsync([.. "x"u8, 0xFF, .. "y"u8, 0xE2, 0x82, .. " café ✓\n"u8]);
        Assert.Equal("<alice> x\uFFFDy\uFFFD café ✓", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Empty_and_blank_lines_are_ignored()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob");
        var (alice, bob) = users;

        await alice.SendRawAsync("\n\r\n   \n\t\n\u001b\nreal\n"u8.ToArray());
        Assert.Equal("<alice> real", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task A_line_starting_with_two_slashes_is_a_message_with_one()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob");
        var (alice, bob) = users;
        await alice.SendAsync("//etc/passwd is a path");
        Assert.Equal("<alice> /etc/passwd is a path", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task A_line_over_the_limit_is_discarded_with_an_error_and_the_connection_stays()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob");
        var (alice, bob) = users;

        await alice.SendAsync(new string('a', 4096));
        Assert.Equal("<alice> " + new string('a', 4096), await bob.ReadLineAsync());

        await alice.SendAsync(new string('b', 4097));
        await alice.SendAsync(new string('c', 200_000));
        Assert.Equal("! line too long (max 4096 bytes)", await alice.ReadLineAsync());
        Assert.Equal("! line too long (max 4096 bytes)", await alice.ReadLineAsync());
        await alice.SendAsync("still here");
        Assert.Equal("<alice> still here", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Lines_may_end_in_lf_or_crlf_and_arrive_in_any_fragments()
    {
        await using var users = await ChatUsers.ConnectAsync(_server.ChatPort, "alice", "bob");
        var (alice, bob) = users;

        byte[] bytes = Encoding.UTF8.GetBytes("one\r\ntwo\nthree ✓\r\n");
        foreach (byte b in bytes)
        {
            await alice.SendRawAsync([b]);
        }

        Assert.Equal("<alice> one", await bob.ReadLineAsync());
        Assert.Equal("<alice> two", await bob.ReadLineAsync());
        Assert.Equal("<alice> three ✓", await bob.ReadLineAsync());
    }
}

public sealed class ChatProtocolOnKestrelSocketsTests : ChatProtocolTests
{
    protected override string[] TransportKeys => ["--Transport:Kind=Sockets"];
}
