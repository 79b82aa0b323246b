using ChatDaemon.Backplane.Redis;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ChatDaemon.Tests.Integration;

/// <summary>Two in-process daemons sharing one real redis-server (README "Backplane").</summary>
public sealed class BackplaneTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private TestServer _a = null!;
    private TestServer _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _a = await StartInstanceAsync(_redis, "a");
        _b = await StartInstanceAsync(_redis, "b");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _redis.Dispose();
    }

    /// <summary>An in-process daemon sharing <paramref name="redis"/>, once it listens to messages for its members.</summary>
    internal static async Task<TestServer> StartInstanceAsync(RedisServer redis, string instanceId, int claimSeconds = RedisBackplaneOptions.DefaultClaimSeconds)
    {
        var server = await StartUnwaitedInstanceAsync(redis, instanceId, claimSeconds);
        var backplane = BackplaneOf(server);
        for (int i = 0; i < 500 && !backplane.IsListeningToInbox; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(backplane.IsListeningToInbox, $"instance {instanceId} does not listen to its own channel");
        return server;
    }

    private static Task<TestServer> StartUnwaitedInstanceAsync(RedisServer redis, string instanceId, int claimSeconds) => TestServer.StartAsync(
        $$"""
        {
          "Listen": [ "chat=127.0.0.1:0", "irc=127.0.0.1:0" ],
          "Irc": { "ServerName": "irc.{{instanceId}}.example" },
          "Limits": { "LinesPerSecond": 0 },
          "Backplane": { "Kind": "Redis", "Redis": { "Endpoints": [ "{{redis.Endpoint}}" ], "InstanceId": "{{instanceId}}", "ClaimSeconds": {{claimSeconds}} } }
        }
        """);

    internal static RedisChatBackplane BackplaneOf(TestServer server) =>
        Assert.IsType<RedisChatBackplane>(server.Services.GetRequiredService<ChatHub>().Backplane);

    /// <summary>Messages published before an instance listens to a room are not for it: wait until it does.</summary>
    internal static async Task WaitUntilListeningAsync(TestServer server, string room)
    {
        var backplane = BackplaneOf(server);
        for (int i = 0; i < 500 && !backplane.IsSubscribed(room); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(backplane.IsSubscribed(room), $"instance {backplane.InstanceId} does not listen to {room}");
    }

    [Fact]
    public async Task Lines_said_on_one_instance_reach_the_room_on_the_other_in_order_both_ways()
    {
        await using var alice = await (await LineClient.ConnectAsync(_a.Port(ListenerProtocol.Chat))).WithNickAsync("alice");
        await using var bob = await (await LineClient.ConnectAsync(_b.Port(ListenerProtocol.Chat))).WithNickAsync("bob");
        await WaitUntilListeningAsync(_a, "lobby");
        await WaitUntilListeningAsync(_b, "lobby");
        // bob's join and nick change crossed to alice before A listened, or after: whatever came is read past.
        await alice.SendAsync("marker");
        await bob.ReadUntilAsync(l => l == "<alice> marker");

        for (int i = 1; i <= 200; i++)
        {
            await alice.SendAsync($"line {i}");
        }

        for (int i = 1; i <= 200; i++)
        {
            Assert.Equal($"<alice> line {i}", await bob.ReadLineAsync());
        }

        await bob.SendAsync("hello from b");
        Assert.Equal("<bob> hello from b", await alice.ReadUntilAsync(l => l.StartsWith('<')));
        await alice.AssertNothingPendingAsync();
        await bob.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Joins_nick_changes_and_leaves_on_one_instance_are_announced_on_the_other()
    {
        await using var alice = await (await LineClient.ConnectAsync(_a.Port(ListenerProtocol.Chat))).WithNickAsync("alice");
        await WaitUntilListeningAsync(_a, "lobby");

        await using var bob = await LineClient.ConnectAsync(_b.Port(ListenerProtocol.Chat));
        string guest = bob.Nick;
        Assert.Equal($"* {guest} joined lobby", await alice.ReadLineAsync());
        await bob.WithNickAsync("bob");
        Assert.Equal($"* {guest} is now known as bob", await alice.ReadLineAsync());
        await bob.SendAsync("/join dev");
        Assert.Equal("* you are now in dev (1 here)", await bob.ReadLineAsync());
        Assert.Equal("* bob left lobby", await alice.ReadLineAsync());

        await WaitUntilListeningAsync(_b, "dev");
        await alice.SendAsync("/join dev");
        Assert.Equal("* you are now in dev (1 here)", await alice.ReadLineAsync()); // the count is of this instance (next slice: the cluster's)
        Assert.Equal("* alice joined dev", await bob.ReadLineAsync());

        // A listens to dev a moment after alice joined it: what bob does before that is not for A.
        await WaitUntilListeningAsync(_a, "dev");
        await bob.SendAsync("/quit");
        Assert.Equal("* bob left dev (quit)", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task An_irc_user_on_one_instance_and_a_line_user_on_the_other_see_each_other_in_their_own_protocol()
    {
        await using var line = await (await LineClient.ConnectAsync(_a.Port(ListenerProtocol.Chat))).WithNickAsync("bob");
        await using var irc = await IrcTestClient.ConnectAsync(_b.Port(ListenerProtocol.Irc), "alice");
        await WaitUntilListeningAsync(_a, "lobby");

        await irc.SendAsync("JOIN #lobby");
        await irc.ReadCommandAsync("366");
        Assert.Equal("* alice joined lobby", await line.ReadLineAsync());
        await WaitUntilListeningAsync(_b, "lobby");

        await irc.SendAsync("PRIVMSG #lobby :hello from irc");
        Assert.Equal("<alice> hello from irc", await line.ReadLineAsync());
        await irc.SendAsync("TOPIC #lobby :across");
        await irc.ReadCommandAsync("TOPIC");
        Assert.Matches("alice.*topic.*across", await line.ReadLineAsync());

        await line.SendAsync("hello from the line");
        Assert.Equal(":bob!chat@127.0.0.1 PRIVMSG #lobby :hello from the line", await irc.ReadLineAsync());
        await line.SendAsync("/nick robert");
        Assert.Equal("* you are now known as robert", await line.ReadLineAsync());
        Assert.Equal(":bob!chat@127.0.0.1 NICK robert", await irc.ReadLineAsync());
    }

    [Fact]
    public async Task An_instance_does_not_deliver_its_own_messages_twice()
    {
        await using var alice = await (await LineClient.ConnectAsync(_a.Port(ListenerProtocol.Chat))).WithNickAsync("alice");
        await using var carol = await (await LineClient.ConnectAsync(_a.Port(ListenerProtocol.Chat))).WithNickAsync("carol");
        await WaitUntilListeningAsync(_a, "lobby");
        await using var bob = await (await LineClient.ConnectAsync(_b.Port(ListenerProtocol.Chat))).WithNickAsync("bob");
        await WaitUntilListeningAsync(_b, "lobby");
        // Order holds per sender, not between instances: bob's nick change may reach A after a line alice says
        // now, so it is awaited first.
        await alice.ReadUntilAsync(l => l.EndsWith(" is now known as bob", StringComparison.Ordinal));
        await carol.ReadUntilAsync(l => l.EndsWith(" is now known as bob", StringComparison.Ordinal));
        await alice.SendAsync("marker");
        await bob.ReadUntilAsync(l => l == "<alice> marker");
        await carol.ReadUntilAsync(l => l == "<alice> marker");

        await alice.SendAsync("once");
        Assert.Equal("<alice> once", await bob.ReadLineAsync());
        Assert.Equal("<alice> once", await carol.ReadLineAsync());
        await bob.SendAsync("sync"); // crosses after alice's echo would have
        Assert.Equal("<bob> sync", await carol.ReadLineAsync());
        await carol.AssertNothingPendingAsync();
        Assert.Equal(0, BackplaneOf(_a).MessagesNotCrossed);
    }
}

/// <summary>The backplane's absence and the broker's failure, each on a redis-server of its own.</summary>
public sealed class BackplaneFailureTests
{
    [Fact]
    public async Task With_backplane_None_the_daemon_never_connects_to_Redis_even_with_endpoints_configured()
    {
        using var redis = await RedisServer.StartAsync();
        long before = await redis.InfoFieldAsync("stats", "total_connections_received");
        await using (var server = await TestServer.StartAsync(
            $$"""{ "Listen": [ "chat=127.0.0.1:0" ], "Backplane": { "Redis": { "Endpoints": [ "{{redis.Endpoint}}" ] } } }"""))
        {
            Assert.Null(server.Services.GetRequiredService<ChatHub>().Backplane);
            Assert.Null(server.Services.GetService<IChatBackplane>());
            await using var users = await ChatUsers.ConnectAsync(server.Port(ListenerProtocol.Chat), "alice", "bob");
            var (alice, bob) = users;
            await alice.SendAsync("local only");
            Assert.Equal("<alice> local only", await bob.ReadLineAsync());
        }

        // The only connection since is this query's own.
        Assert.Equal(before + 1, await redis.InfoFieldAsync("stats", "total_connections_received"));
    }

    [Fact]
    public async Task When_Redis_dies_local_chat_goes_on_and_what_could_not_cross_is_counted()
    {
        using var redis = await RedisServer.StartAsync();
        await using var a = await BackplaneTests.StartInstanceAsync(redis, "a");
        await using var users = await ChatUsers.ConnectAsync(a.Port(ListenerProtocol.Chat), "alice", "bob");
        var (alice, bob) = users;
        await BackplaneTests.WaitUntilListeningAsync(a, "lobby");
        var backplane = BackplaneTests.BackplaneOf(a);
        await alice.SendAsync("before");
        Assert.Equal("<alice> before", await bob.ReadLineAsync());
        Assert.Equal(0, backplane.MessagesNotCrossed);

        redis.Kill();

        // Every line still reaches the local room at once; the ones said once the client saw the broker gone
        // are counted (the first may still have been written to the dying socket). The room is told once that
        // the other instances cannot be reached, whenever the client notices.
        int notices = 0;
        for (int i = 1; i <= 50 && backplane.MessagesNotCrossed == 0; i++)
        {
            await alice.SendAsync($"during {i}");
            string line = await bob.ReadLineAsync();
            if (line.Contains("cannot be reached", StringComparison.Ordinal))
            {
                notices++;
                line = await bob.ReadLineAsync();
            }

            Assert.Equal($"<alice> during {i}", line);
            await Task.Delay(20);
        }

        if (notices == 0)
        {
            Assert.Contains("cannot be reached", await bob.ReadLineAsync(), StringComparison.Ordinal);
        }

        Assert.True(backplane.MessagesNotCrossed > 0, "no message was counted as not crossed");
        long counted = backplane.MessagesNotCrossed;
        await alice.SendAsync("still here");
        Assert.Equal("<alice> still here", await bob.ReadLineAsync());
        for (int i = 0; i < 100 && backplane.MessagesNotCrossed == counted; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(counted + 1, backplane.MessagesNotCrossed);
    }
}

/// <summary>What an instance makes of messages on a room's channel that it did not expect.</summary>
public sealed class BackplaneSequenceTests
{
    [Fact]
    public async Task A_gap_in_another_instances_numbers_is_counted_and_the_messages_that_came_are_delivered()
    {
        using var redis = await RedisServer.StartAsync();
        await using var a = await BackplaneTests.StartInstanceAsync(redis, "a");
        await using var alice = await (await LineClient.ConnectAsync(a.Port(ListenerProtocol.Chat))).WithNickAsync("alice");
        await BackplaneTests.WaitUntilListeningAsync(a, "lobby");
        await using var other = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var channel = StackExchange.Redis.RedisChannel.Literal("chatdaemon:room:lobby");

        foreach (long sequence in new long[] { 1, 2, 5 })
        {
            var message = ChatMessage.Say("zed", "lobby", System.Text.Encoding.UTF8.GetBytes($"number {sequence}"));
            await other.GetSubscriber().PublishAsync(channel, ChatDaemon.Backplane.BackplaneEnvelope.Encode("elsewhere", sequence, message));
        }

        await other.GetSubscriber().PublishAsync(channel, "not an envelope"u8.ToArray());
        var own = ChatMessage.Say("alice", "lobby", "an echo"u8.ToArray());
        await other.GetSubscriber().PublishAsync(channel, ChatDaemon.Backplane.BackplaneEnvelope.Encode(BackplaneTests.BackplaneOf(a).Origin, 1, own));
        var last = ChatMessage.Say("zed", "lobby", "number 6"u8.ToArray());
        await other.GetSubscriber().PublishAsync(channel, ChatDaemon.Backplane.BackplaneEnvelope.Encode("elsewhere", 6, last));

        Assert.Equal("<zed> number 1", await alice.ReadLineAsync());
        Assert.Equal("<zed> number 2", await alice.ReadLineAsync());
        Assert.Equal("<zed> number 5", await alice.ReadLineAsync());
        Assert.Equal("<zed> number 6", await alice.ReadLineAsync()); // the garbage and the own echo were dropped
        Assert.Equal(2, BackplaneTests.BackplaneOf(a).MessagesMissed);
    }
}
