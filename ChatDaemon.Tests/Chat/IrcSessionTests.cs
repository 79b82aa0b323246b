using ChatDaemon.Chat;
using ChatDaemon.Chat.Irc;
using ChatDaemon.Chat.Line;
using ChatDaemon.Configuration;
using ChatDaemon.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatDaemon.Tests.Chat;

/// <summary>IRC sessions driven over in-memory pipes: the replies irctest checks, kept by tests of our own.</summary>
public sealed class IrcSessionTests
{
    private const string Server = "irc.test";

    private readonly ChatHub _hub = new();
    private readonly ChatSettings _settings = new(
        new StaticOptionsMonitor<ChatOptions>(new ChatOptions { Motd = "hi" }),
        new StaticOptionsMonitor<LimitsOptions>(new LimitsOptions { LinesPerSecond = 0 }));

    private InMemoryConnection Start(string id)
    {
        var client = new InMemoryConnection(id);
        var services = new IrcSessionServices(_hub, _settings, new ChatLimitLog(), NullLogger.Instance, TimeProvider.System,
            new StaticOptionsMonitor<IrcOptions>(new IrcOptions { ServerName = Server }), "test");
        _ = new IrcSession(client.Connection, services).RunAsync(CancellationToken.None);
        return client;
    }

    private async Task<InMemoryConnection> RegisteredAsync(string nick)
    {
        var client = Start(nick);
        await client.SendAsync($"NICK {nick}\r\nUSER {nick} 0 * :Real {nick}\r\n");
        await UntilAsync(client, " 376 ");
        return client;
    }

    /// <summary>Sends <paramref name="line"/>, then a PING, and returns every line before the PONG (replies come in order).</summary>
    private static async Task<List<string>> AskAsync(InMemoryConnection client, string line)
    {
        await client.SendAsync(line + "\r\nPING sync\r\n");
        return await UntilAsync(client, " PONG ");
    }

    private static async Task<List<string>> UntilAsync(InMemoryConnection client, string marker)
    {
        var lines = new List<string>();
        while (true)
        {
            string line = await client.ReadLineAsync();
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                return lines;
            }

            lines.Add(line);
        }
    }

    [Fact]
    public async Task Lusers_counts_a_client_between_NICK_and_USER_as_an_unknown_connection_not_a_user()
    {
        var alice = await RegisteredAsync("alice");
        var pending = Start("pending");
        await pending.SendAsync("NICK pending\r\n");
        await AskAsync(pending, "PING early");

        var lusers = await AskAsync(alice, "LUSERS");

        Assert.Equal(
        [
            $":{Server} 251 alice :There are 1 users and 0 invisible on 1 servers",
            $":{Server} 253 alice 1 :unknown connection(s)",
            $":{Server} 254 alice 0 :channels formed",
            $":{Server} 255 alice :I have 1 clients and 0 servers",
            $":{Server} 265 alice :Current local users 1",
            $":{Server} 266 alice :Current global users 1",
        ], lusers);
    }

    [Fact]
    public async Task Lusers_counts_invisible_users_apart()
    {
        var alice = await RegisteredAsync("alice");
        await AskAsync(alice, "MODE alice +i");
        await RegisteredAsync("bob");

        var lusers = await AskAsync(alice, "LUSERS");

        Assert.Contains($":{Server} 251 alice :There are 1 users and 1 invisible on 1 servers", lusers);
        Assert.Contains($":{Server} 265 alice :Current local users 2", lusers);
    }

    [Fact]
    public async Task Who_with_a_mask_lists_the_matching_users_and_ends_with_the_mask_as_given()
    {
        var alice = await RegisteredAsync("alice");
        await RegisteredAsync("albert");
        await RegisteredAsync("bob");

        var replies = await AskAsync(alice, "WHO AL*");

        Assert.Equal(3, replies.Count);
        Assert.Contains($":{Server} 352 alice * ~albert localhost {Server} albert H :0 Real albert", replies);
        Assert.Contains($":{Server} 352 alice * ~alice localhost {Server} alice H :0 Real alice", replies);
        Assert.Equal($":{Server} 315 alice AL* :End of WHO list", replies[^1]);
    }

    [Fact]
    public async Task Who_with_a_mask_leaves_out_an_invisible_user_unless_the_asker_shares_a_channel_with_it()
    {
        var eve = await RegisteredAsync("eve");
        await AskAsync(eve, "MODE eve +i");
        var bob = await RegisteredAsync("bob");

        Assert.Equal([$":{Server} 315 bob ev* :End of WHO list"], await AskAsync(bob, "WHO ev*"));
        Assert.Equal(2, (await AskAsync(bob, "WHO eve")).Count);

        await AskAsync(eve, "JOIN #room");
        await AskAsync(bob, "JOIN #room");
        Assert.Equal(2, (await AskAsync(bob, "WHO ev*")).Count);
    }

    [Fact]
    public async Task Who_of_a_nick_names_no_channel()
    {
        var alice = await RegisteredAsync("alice");
        await AskAsync(alice, "JOIN #room");
        var bob = await RegisteredAsync("bob");

        var replies = await AskAsync(bob, "WHO Alice");

        Assert.Equal($":{Server} 352 bob * ~alice localhost {Server} alice H :0 Real alice", replies[0]);
        Assert.Equal($":{Server} 315 bob Alice :End of WHO list", replies[1]);
    }

    [Fact]
    public async Task An_invitation_reaches_an_IRC_target_as_an_INVITE_from_the_inviter()
    {
        var alice = await RegisteredAsync("alice");
        var bob = await RegisteredAsync("bob");
        await AskAsync(alice, "JOIN #room");

        Assert.Equal([$":{Server} 341 alice bob :#room"], await AskAsync(alice, "INVITE bob :#room"));
        Assert.Equal(":alice!~alice@localhost INVITE bob :#room", await bob.ReadLineAsync());
    }

    [Fact]
    public void A_line_client_is_told_an_invitation_with_the_command_that_accepts_it()
    {
        byte[] line = LineRenderer.Instance.Render(ChatMessage.Invited("alice", "bob", "room"));

        Assert.Equal("* alice invites you to room (/join room)\r\n", System.Text.Encoding.UTF8.GetString(line));
    }
}
