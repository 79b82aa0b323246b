using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using Microsoft.Extensions.DependencyInjection;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// A stopping server hands its open connections, with each member's saved state, to a second server that
/// adopts them: what a restart through systemd's file descriptor store does across processes, here within
/// one process on real sockets.
/// </summary>
public sealed class ConnectionHandoverTests
{
    private static async Task<IReadOnlyList<HandedOverConnection>> StopHandingOverAsync(TestServer server)
    {
        var connections = server.Services.GetRequiredService<ConnectionServer>();
        connections.HandOverOnStop();
        await server.StopAsync();
        return await connections.HandedOver.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>All together, as the next process adopts them: every member back in its room before any reads.</summary>
    private static void Adopt(TestServer server, IReadOnlyList<HandedOverConnection> handedOver) =>
        _ = server.Services.GetRequiredService<ConnectionServer>().Adopt(handedOver);

    [Fact]
    public async Task Clients_of_a_server_that_hands_over_keep_their_connection_nick_room_and_half_sent_line()
    {
        await using var first = await TestServer.StartAsync();
        await using var users = await ChatUsers.ConnectAsync(first.ChatPort, "alice", "bob");
        var (alice, bob) = users;
        await alice.SendAsync("/join dev");
        Assert.Equal("* you are now in dev (1 here)", await alice.ReadLineAsync());
        await bob.SendAsync("/join dev");
        await bob.ReadUntilAsync(line => line == "* you are now in dev (2 here)");
        Assert.Equal("* bob joined dev", await alice.ReadLineAsync());
        await alice.SendRawAsync("before\nhalf a li"u8.ToArray());
        Assert.Equal("<alice> before", await bob.ReadLineAsync());

        var handedOver = await StopHandingOverAsync(first);
        Assert.Equal(2, handedOver.Count);
        Assert.All(handedOver, c => Assert.NotEmpty(c.SavedState));

        await using var second = await TestServer.StartAsync();
        Adopt(second, handedOver);
        await alice.SendAsync("ne");
        Assert.Equal("* server restarted", await bob.ReadLineAsync());
        Assert.Equal("<alice> half a line", await bob.ReadLineAsync());
        await bob.SendAsync("/who");
        Assert.Equal("* in dev: alice, bob", await bob.ReadLineAsync());

        // Alice was told one line: no "server shutting down", no greeting; then bob's.
        await bob.SendAsync("still here?");
        Assert.Equal("* server restarted", await alice.ReadLineAsync());
        Assert.Equal("<bob> still here?", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task An_irc_client_handed_over_stays_registered_with_its_nick_user_away_and_channels()
    {
        const string Config = """{ "Listen": [ "chat=127.0.0.1:0", "irc=127.0.0.1:0" ] }""";
        await using var first = await TestServer.StartAsync(Config);
        await using var irc = await IrcTestClient.ConnectAsync(first.Port(ListenerProtocol.Irc), "vera");
        await using var line = await (await LineClient.ConnectAsync(first.ChatPort)).WithNickAsync("walt");
        await irc.SendAsync("JOIN #lobby,#dev");
        await irc.ReadCommandAsync("366");
        await irc.ReadCommandAsync("366");
        await line.ReadLineAsync();
        await irc.SendAsync("AWAY :brb");
        await irc.ReadCommandAsync("306");
        await irc.SendRawAsync("PRIVMSG #lobby :half a li"u8.ToArray());

        var handedOver = await StopHandingOverAsync(first);
        Assert.Equal(2, handedOver.Count);

        await using var second = await TestServer.StartAsync(Config);
        Adopt(second, handedOver);
        await irc.SendAsync("ne");
        Assert.Equal("* server restarted", await line.ReadLineAsync());
        Assert.Equal("<vera> half a line", await line.ReadLineAsync());
        Assert.Equal(":chatdaemon.local NOTICE vera :server restarted", await irc.ReadLineAsync());

        await line.SendAsync("/msg vera still away?");
        Assert.Equal(":walt!chat@127.0.0.1 PRIVMSG vera :still away?", await irc.ReadLineAsync());
        await irc.SendAsync("WHOIS vera");
        Assert.Equal(":chatdaemon.local 311 vera vera ~vera 127.0.0.1 * :vera in a test", await irc.ReadLineAsync());
        Assert.Equal(":chatdaemon.local 319 vera vera :#lobby #dev", await irc.ReadLineAsync());
        Assert.Equal(":chatdaemon.local 301 vera vera :brb", await irc.ReadUntilAsync(l => IrcTestClient.Command(l) == "301"));
    }

    [Fact]
    public async Task A_line_sent_while_the_server_hands_over_arrives_exactly_once()
    {
        await using var first = await TestServer.StartAsync();
        await using var users = await ChatUsers.ConnectAsync(first.ChatPort, "alice", "bob");
        var (alice, bob) = users;

        var connections = first.Services.GetRequiredService<ConnectionServer>();
        connections.HandOverOnStop();
        var stopping = first.StopAsync();
        await bob.SendAsync("during");
        await stopping;
        var handedOver = await connections.HandedOver.WaitAsync(TimeSpan.FromSeconds(30));

        await using var second = await TestServer.StartAsync();
        Adopt(second, handedOver);
        await bob.SendAsync("after");
        var lines = new List<string>();
        while (lines.LastOrDefault() != "<bob> after")
        {
            lines.Add(await alice.ReadLineAsync());
        }

        // "during" was said before the handover or carried over in bob's state: either way once, before "after";
        // the restart notice comes wherever alice's rejoining fell.
        Assert.Equal(["<bob> during", "<bob> after"], lines.Where(l => l.StartsWith('<')));
        Assert.Equal(["* server restarted"], lines.Where(l => l.StartsWith('*')));
    }

    [Fact]
    public async Task On_Kestrels_transport_nothing_is_handed_over_and_clients_are_told_the_server_stops()
    {
        await using var server = await TestServer.StartAsync(null, "--Transport:Kind=Sockets");
        await using var alice = await LineClient.ConnectAsync(server.ChatPort);

        var handedOver = await StopHandingOverAsync(server);
        Assert.Empty(handedOver);
        Assert.Equal("* server shutting down", await alice.ReadLineAsync());
        Assert.True(await alice.IsClosedByServerAsync());
    }
}
