using System.Text;
using ChatDaemon.Configuration;
using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>The IRC listener on real sockets, alone and in the same rooms as line-protocol clients.</summary>
public sealed class IrcProtocolTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private int IrcPort => _server.Port(ListenerProtocol.Irc);

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        """{ "Listen": [ "chat=127.0.0.1:0", "irc=127.0.0.1:0" ], "Chat": { "Motd": "Hello there" }, "Irc": { "ServerName": "irc.test.example" } }""");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Registration_is_answered_with_the_welcome_numerics_isupport_and_the_motd()
    {
        await using var client = await IrcTestClient.ConnectUnregisteredAsync(IrcPort);
        await client.SendAsync("NICK alice");
        await client.SendAsync("USER al 0 * :Alice Liddell");

        Assert.Equal(":irc.test.example 001 alice :Welcome to the ChatDaemon IRC network alice!~al@127.0.0.1", await client.ReadLineAsync());
        Assert.StartsWith(":irc.test.example 002 alice :Your host is irc.test.example", await client.ReadLineAsync());
        Assert.StartsWith(":irc.test.example 003 alice :", await client.ReadLineAsync());
        Assert.StartsWith(":irc.test.example 004 alice irc.test.example chatdaemon-", await client.ReadLineAsync());
        string isupport = await client.ReadLineAsync();
        Assert.StartsWith(":irc.test.example 005 alice ", isupport);
        Assert.Contains(" CHANTYPES=# ", isupport);
        Assert.Contains(" NICKLEN=32 ", isupport);
        Assert.Equal(":irc.test.example 372 alice :- Hello there", await client.ReadUntilAsync(l => IrcTestClient.Command(l) == "372"));
        Assert.Equal(":irc.test.example 376 alice :End of /MOTD command.", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Registration_waits_for_the_end_of_capability_negotiation()
    {
        await using var client = await IrcTestClient.ConnectUnregisteredAsync(IrcPort);
        await client.SendAsync("CAP LS 302");
        Assert.Equal(":irc.test.example CAP * LS :", await client.ReadLineAsync());
        await client.SendAsync("NICK carol");
        await client.SendAsync("USER c 0 * :Carol");
        await client.SendAsync("CAP REQ :multi-prefix");
        Assert.Equal(":irc.test.example CAP carol NAK :multi-prefix", await client.ReadLineAsync());

        await client.SendAsync("CAP END");
        Assert.StartsWith(":irc.test.example 001 carol ", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Commands_before_registration_are_refused_and_pings_are_answered()
    {
        await using var client = await IrcTestClient.ConnectUnregisteredAsync(IrcPort);
        await client.SendAsync("JOIN #lobby");
        Assert.Equal(":irc.test.example 451 * :You have not registered", await client.ReadLineAsync());
        await client.SendAsync("PING :token 1");
        Assert.Equal(":irc.test.example PONG irc.test.example :token 1", await client.ReadLineAsync());
        await client.SendAsync("NICK bad!nick");
        Assert.Equal(":irc.test.example 432 * bad!nick :Erroneous nickname", await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_client_that_does_not_register_in_time_is_told_and_closed_and_its_nick_freed()
    {
        await using var server = await TestServer.StartAsync("""{ "Listen": [ "irc=127.0.0.1:0" ], "Irc": { "RegistrationTimeoutSeconds": 1 } }""");
        await using var idle = await IrcTestClient.ConnectUnregisteredAsync(server.Port(ListenerProtocol.Irc));
        await idle.SendAsync("NICK squatter");

        Assert.Equal("ERROR :Closing Link: 127.0.0.1 (Registration timed out)", await idle.ReadLineAsync());
        Assert.Null(await idle.TryReadLineAsync());
        await using var other = await IrcTestClient.ConnectAsync(server.Port(ListenerProtocol.Irc), "squatter");
    }

    [Fact]
    public async Task A_registered_client_is_not_closed_by_the_registration_timeout()
    {
        await using var server = await TestServer.StartAsync("""{ "Listen": [ "irc=127.0.0.1:0" ], "Irc": { "RegistrationTimeoutSeconds": 1 } }""");
        await using var client = await IrcTestClient.ConnectAsync(server.Port(ListenerProtocol.Irc), "keeper");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await client.SendAsync("PING :still here");
        Assert.EndsWith("PONG chatdaemon.local :still here", await client.ReadLineAsync());
    }

    [Fact]
    public async Task An_irc_user_and_a_line_user_in_the_same_room_see_each_other_in_their_own_protocol()
    {
        await using var line = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("bob");
        await using var irc = await IrcTestClient.ConnectAsync(IrcPort, "alice");

        await irc.SendAsync("JOIN #lobby");
        Assert.Equal(":alice!~alice@127.0.0.1 JOIN #lobby", await irc.ReadLineAsync());
        Assert.Equal(":irc.test.example 353 alice = #lobby :bob alice", await irc.ReadLineAsync());
        Assert.Equal(":irc.test.example 366 alice #lobby :End of /NAMES list", await irc.ReadLineAsync());
        Assert.Equal("* alice joined lobby", await line.ReadLineAsync());

        await irc.SendAsync("PRIVMSG #lobby :hello from irc");
        Assert.Equal("<alice> hello from irc", await line.ReadLineAsync());
        await irc.SendAsync("PRIVMSG #lobby :\u0001ACTION waves\u0001");
        Assert.Equal("* alice waves", await line.ReadLineAsync());

        await line.SendAsync("hello from the line");
        Assert.Equal(":bob!chat@127.0.0.1 PRIVMSG #lobby :hello from the line", await irc.ReadLineAsync());
        await line.SendAsync("/me nods");
        Assert.Equal(":bob!chat@127.0.0.1 PRIVMSG #lobby :\u0001ACTION nods\u0001", await irc.ReadLineAsync());

        await irc.SendAsync("NICK alicia");
        Assert.Equal(":alice!~alice@127.0.0.1 NICK alicia", await irc.ReadLineAsync());
        Assert.Equal("* alice is now known as alicia", await line.ReadLineAsync());
        await line.SendAsync("/nick robert");
        Assert.Equal("* you are now known as robert", await line.ReadLineAsync());
        Assert.Equal(":bob!chat@127.0.0.1 NICK robert", await irc.ReadLineAsync());

        await line.SendAsync("/join dev");
        await line.ReadLineAsync();
        Assert.Equal(":robert!chat@127.0.0.1 PART #lobby", await irc.ReadLineAsync());

        await irc.SendAsync("JOIN #dev");
        await irc.ReadCommandAsync("366");
        Assert.Equal("* alicia joined dev", await line.ReadLineAsync());
        await irc.SendAsync("QUIT :gone fishing");
        Assert.Equal("ERROR :Closing Link: 127.0.0.1 (Quit: gone fishing)", await irc.ReadLineAsync());
        Assert.Equal("* alicia left dev (quit: gone fishing)", await line.ReadLineAsync());
    }

    [Fact]
    public async Task Private_messages_cross_protocols_and_an_unknown_nick_is_an_error()
    {
        await using var line = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("dora");
        await using var irc = await IrcTestClient.ConnectAsync(IrcPort, "emil");

        await irc.SendAsync("PRIVMSG dora :psst");
        Assert.Equal("*emil* psst", await line.ReadLineAsync());
        await line.SendAsync("/msg emil hi back");
        Assert.Equal(":dora!chat@127.0.0.1 PRIVMSG emil :hi back", await irc.ReadLineAsync());
        Assert.Equal("-> *emil* hi back", await line.ReadLineAsync());
        await irc.SendAsync("NOTICE dora :fyi");
        Assert.Equal("-emil- fyi", await line.ReadLineAsync());

        await irc.SendAsync("PRIVMSG nobody :hello?");
        Assert.Equal(":irc.test.example 401 emil nobody :No such nick/channel", await irc.ReadLineAsync());
        await irc.SendAsync("NOTICE nobody :hello?");
        await irc.SendAsync("PRIVMSG");
        Assert.Equal(":irc.test.example 411 emil :No recipient given (PRIVMSG)", await irc.ReadLineAsync());
    }

    [Fact]
    public async Task Nicks_are_one_namespace_for_both_protocols()
    {
        await using var line = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("frank");
        await using var irc = await IrcTestClient.ConnectUnregisteredAsync(IrcPort);

        await irc.SendAsync("NICK FRANK");
        Assert.Equal(":irc.test.example 433 * FRANK :Nickname is already in use", await irc.ReadLineAsync());
        await irc.SendAsync("NICK gina");
        await irc.SendAsync("USER g 0 * :Gina");
        await irc.ReadCommandAsync("376");

        await line.SendAsync("/nick GINA");
        Assert.Equal("! nick GINA is taken", await line.ReadLineAsync());
    }

    [Fact]
    public async Task A_member_who_shares_two_channels_with_one_who_quits_gets_one_quit()
    {
        await using var a = await IrcTestClient.ConnectAsync(IrcPort, "hana");
        await using var b = await IrcTestClient.ConnectAsync(IrcPort, "ivan");
        await a.SendAsync("JOIN #one,#two");
        await a.ReadCommandAsync("366");
        await a.ReadCommandAsync("366");
        await b.SendAsync("JOIN #one,#two");
        await b.ReadCommandAsync("366");
        await b.ReadCommandAsync("366");
        Assert.Equal(":ivan!~ivan@127.0.0.1 JOIN #one", await a.ReadLineAsync());
        Assert.Equal(":ivan!~ivan@127.0.0.1 JOIN #two", await a.ReadLineAsync());

        await b.SendAsync("PRIVMSG #two :only in two");
        Assert.Equal(":ivan!~ivan@127.0.0.1 PRIVMSG #two :only in two", await a.ReadLineAsync());
        await b.SendAsync("QUIT");
        Assert.Equal(":ivan!~ivan@127.0.0.1 QUIT :Quit", await a.ReadLineAsync());
        await a.SendAsync("PING :after");
        Assert.Equal(":irc.test.example PONG irc.test.example :after", await a.ReadLineAsync());
    }

    [Fact]
    public async Task Messages_to_a_channel_need_membership()
    {
        await using var a = await IrcTestClient.ConnectAsync(IrcPort, "jack");
        await using var line = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("kate");

        await a.SendAsync("PRIVMSG #lobby :from outside");
        Assert.Equal(":irc.test.example 404 jack #lobby :Cannot send to channel", await a.ReadLineAsync());
        await a.SendAsync("PRIVMSG #nowhere :hello");
        Assert.Equal(":irc.test.example 403 jack #nowhere :No such channel", await a.ReadLineAsync());
        await line.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task A_topic_set_over_irc_is_told_to_both_protocols_and_shown_to_newcomers()
    {
        await using var line = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("liam");
        await using var a = await IrcTestClient.ConnectAsync(IrcPort, "mona");
        await a.SendAsync("JOIN #lobby");
        await a.ReadCommandAsync("366");
        await line.ReadLineAsync();

        await a.SendAsync("TOPIC #lobby :release on friday");
        Assert.Equal(":mona!~mona@127.0.0.1 TOPIC #lobby :release on friday", await a.ReadLineAsync());
        Assert.Equal("* mona set the topic of lobby: release on friday", await line.ReadLineAsync());

        await using var b = await IrcTestClient.ConnectAsync(IrcPort, "nils");
        await b.SendAsync("JOIN #lobby");
        await b.ReadCommandAsync("JOIN");
        Assert.Equal(":irc.test.example 332 nils #lobby :release on friday", await b.ReadLineAsync());
        Assert.StartsWith(":irc.test.example 333 nils #lobby mona ", await b.ReadLineAsync());
    }

    [Fact]
    public async Task A_line_over_512_bytes_is_refused_and_the_connection_stays()
    {
        await using var a = await IrcTestClient.ConnectAsync(IrcPort, "olga");
        await a.SendAsync("PRIVMSG olga :" + new string('x', 600));
        Assert.Equal(":irc.test.example 417 olga :Input line was too long", await a.ReadLineAsync());
        await a.SendAsync("PING :still");
        Assert.Equal(":irc.test.example PONG irc.test.example :still", await a.ReadLineAsync());
    }

    [Fact]
    public async Task A_long_line_protocol_message_reaches_irc_users_in_lines_of_at_most_512_bytes()
    {
        await using var line = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("paul");
        await using var a = await IrcTestClient.ConnectAsync(IrcPort, "rita");
        await a.SendAsync("JOIN #lobby");
        await a.ReadCommandAsync("366");

        string text = string.Concat(Enumerable.Repeat("äbc", 400)); // 1,600 bytes, two-byte characters among them
        await line.SendAsync(text);
        var pieces = new StringBuilder();
        while (pieces.Length < text.Length)
        {
            string received = await a.ReadLineAsync();
            Assert.True(Encoding.UTF8.GetByteCount(received) + 2 <= 512, $"{Encoding.UTF8.GetByteCount(received) + 2} bytes");
            Assert.StartsWith(":paul!chat@127.0.0.1 PRIVMSG #lobby :", received);
            pieces.Append(received[":paul!chat@127.0.0.1 PRIVMSG #lobby :".Length..]);
        }

        Assert.Equal(text, pieces.ToString());
    }

    [Fact]
    public async Task Whois_who_and_away_describe_members_of_either_protocol()
    {
        await using var line = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("sven");
        await using var a = await IrcTestClient.ConnectAsync(IrcPort, "tina");
        await using var b = await IrcTestClient.ConnectAsync(IrcPort, "ugo");

        await a.SendAsync("WHOIS sven");
        Assert.Equal(":irc.test.example 311 tina sven chat 127.0.0.1 * :sven", await a.ReadLineAsync());
        Assert.Equal(":irc.test.example 319 tina sven :#lobby", await a.ReadLineAsync());
        await a.ReadCommandAsync("318");

        await b.SendAsync("AWAY :at lunch");
        Assert.Equal(":irc.test.example 306 ugo :You have been marked as being away", await b.ReadLineAsync());
        await a.SendAsync("PRIVMSG ugo :there?");
        Assert.Equal(":irc.test.example 301 tina ugo :at lunch", await a.ReadLineAsync());
        Assert.Equal(":tina!~tina@127.0.0.1 PRIVMSG ugo :there?", await b.ReadLineAsync());

        await a.SendAsync("WHO #lobby");
        Assert.Equal(":irc.test.example 352 tina #lobby chat 127.0.0.1 irc.test.example sven H :0 sven", await a.ReadLineAsync());
        Assert.Equal(":irc.test.example 315 tina #lobby :End of WHO list", await a.ReadLineAsync());
    }
}
