using System.Diagnostics;
using ChatDaemon.Backplane.Redis;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Control;
using ChatDaemon.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// One chat over several instances sharing a real redis-server: nicks unique across them, private messages,
/// listings of the whole cluster, and what happens when an instance or the broker goes away (README "Backplane").
/// </summary>
public sealed class BackplaneClusterTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private TestServer _a = null!;
    private TestServer _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _a = await BackplaneTests.StartInstanceAsync(_redis, "a");
        _b = await BackplaneTests.StartInstanceAsync(_redis, "b");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task A_nick_held_on_one_instance_is_refused_on_the_other_until_its_holder_leaves()
    {
        var alice = await (await LineClient.ConnectAsync(_a.ChatPort)).WithNickAsync("alice");
        await using var other = await LineClient.ConnectAsync(_b.ChatPort);
        await other.SendAsync("/nick Alice");
        Assert.Equal("! nick Alice is taken", await other.ReadLineAsync());

        await using var irc = await IrcTestClient.ConnectUnregisteredAsync(_b.Port(ListenerProtocol.Irc));
        await irc.SendAsync("NICK alice");
        Assert.Contains(" 433 * alice :Nickname is already in use", await irc.ReadLineAsync());

        await alice.SendAsync("/quit");
        await alice.ReadUntilAsync(l => l.Contains("bye", StringComparison.OrdinalIgnoreCase));
        await alice.DisposeAsync();
        await WaitForAsync(async () => await _redis.QueryAsync("EXISTS chatdaemon:nick:alice") == ":0", "alice's claim was not released");
        await other.SendAsync("/nick Alice");
        Assert.Equal("* you are now known as Alice", await other.ReadUntilAsync(l => l.Contains("Alice", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Of_clients_racing_for_one_nick_on_three_instances_exactly_one_gets_it()
    {
        await using var c = await BackplaneTests.StartInstanceAsync(_redis, "c");
        var clients = new List<LineClient>();
        try
        {
            foreach (var server in new[] { _a, _b, c, _a, _b, c })
            {
                clients.Add(await LineClient.ConnectAsync(server.ChatPort));
            }

            await Task.WhenAll(clients.Select(client => client.SendAsync("/nick racer")));
            var answers = await Task.WhenAll(clients.Select(client => client.ReadUntilAsync(l => l is "* you are now known as racer" or "! nick racer is taken")));
            Assert.Single(answers, a => a == "* you are now known as racer");
            Assert.Equal(5, answers.Count(a => a == "! nick racer is taken"));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Guest_nicks_are_unique_across_instances()
    {
        var clients = new List<LineClient>();
        try
        {
            for (int i = 0; i < 12; i++)
            {
                clients.Add(await LineClient.ConnectAsync((i % 2 == 0 ? _a : _b).ChatPort));
            }

            var nicks = clients.Select(c => c.Nick).ToList();
            Assert.All(nicks, n => Assert.StartsWith("guest-", n, StringComparison.Ordinal));
            Assert.Equal(nicks.Count, nicks.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_private_message_reaches_a_member_of_another_instance_in_either_protocol()
    {
        await using var alice = await (await LineClient.ConnectAsync(_a.ChatPort)).WithNickAsync("alice");
        await using var bob = await (await LineClient.ConnectAsync(_b.ChatPort)).WithNickAsync("bob");
        await using var carol = await IrcTestClient.ConnectAsync(_b.Port(ListenerProtocol.Irc), "carol");

        await alice.SendAsync("/msg Bob psst");
        Assert.Equal("-> *Bob* psst", await alice.ReadUntilAsync(l => l.StartsWith("->", StringComparison.Ordinal)));
        Assert.Equal("*alice* psst", await bob.ReadUntilAsync(l => l.StartsWith("*alice*", StringComparison.Ordinal)));

        await alice.SendAsync("/msg carol to irc");
        Assert.Equal(":alice!chat@127.0.0.1 PRIVMSG carol :to irc", await carol.ReadUntilAsync(l => l.Contains("PRIVMSG", StringComparison.Ordinal)));
        await carol.SendAsync("PRIVMSG alice :from irc");
        Assert.Equal("*carol* from irc", await alice.ReadUntilAsync(l => l.StartsWith("*carol*", StringComparison.Ordinal)));

        await alice.SendAsync("/msg nobody hello?");
        Assert.Equal("! no such nick: nobody", await alice.ReadUntilAsync(l => l.StartsWith('!')));
        await carol.SendAsync("PRIVMSG nobody :hello?");
        Assert.Contains(" 401 carol nobody :No such nick/channel", await carol.ReadUntilAsync(l => l.Contains(" 401 ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Who_rooms_names_and_list_show_the_members_of_every_instance()
    {
        await using var alice = await (await LineClient.ConnectAsync(_a.ChatPort)).WithNickAsync("alice");
        await using var bob = await (await LineClient.ConnectAsync(_b.ChatPort)).WithNickAsync("bob");
        await using var dave = await (await LineClient.ConnectAsync(_b.ChatPort)).WithNickAsync("dave");
        await dave.SendAsync("/join dev");
        await dave.ReadUntilAsync(l => l.StartsWith("* you are now in dev", StringComparison.Ordinal));

        // Joins are written to Redis without waiting: the listing converges at once, but not before the write lands.
        await WaitForAsync(async () =>
        {
            await alice.SendAsync("/who");
            return await alice.ReadUntilAsync(l => l.StartsWith("* in lobby", StringComparison.Ordinal)) == "* in lobby: alice, bob";
        }, "alice's /who does not show bob on the other instance");

        await alice.SendAsync("/rooms");
        Assert.Equal("* rooms: dev (1), lobby (2)", await alice.ReadUntilAsync(l => l.StartsWith("* rooms:", StringComparison.Ordinal)));

        await using var carol = await IrcTestClient.ConnectAsync(_a.Port(ListenerProtocol.Irc), "carol");
        await carol.SendAsync("NAMES #lobby");
        string names = await carol.ReadUntilAsync(l => l.Contains(" 353 ", StringComparison.Ordinal));
        Assert.EndsWith(" = #lobby :alice bob", names);
        await carol.SendAsync("LIST");
        Assert.Contains(" 322 carol #dev 1 :", await carol.ReadUntilAsync(l => l.Contains(" 322 carol #dev", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_nick_change_or_quit_of_a_member_sharing_two_rooms_with_a_member_of_another_instance_is_told_once()
    {
        await using var carol = await IrcTestClient.ConnectAsync(_a.Port(ListenerProtocol.Irc), "carol");
        await using var bob = await IrcTestClient.ConnectAsync(_b.Port(ListenerProtocol.Irc), "bob");
        await carol.SendAsync("JOIN #lobby,#dev");
        await carol.ReadUntilAsync(l => l.Contains(" 366 carol #dev ", StringComparison.Ordinal));
        await BackplaneTests.WaitUntilListeningAsync(_a, "dev");
        await bob.SendAsync("JOIN #lobby,#dev");
        await bob.ReadUntilAsync(l => l.Contains(" 366 bob #dev ", StringComparison.Ordinal));
        await BackplaneTests.WaitUntilListeningAsync(_b, "dev");
        await carol.ReadUntilAsync(l => l.EndsWith("JOIN #dev", StringComparison.Ordinal));

        await carol.SendAsync("NICK caz");
        await carol.ReadUntilAsync(l => l.EndsWith("NICK caz", StringComparison.Ordinal));
        await carol.SendAsync("QUIT :off");
        Assert.Equal(":carol!~carol@127.0.0.1 NICK caz", await bob.ReadLineAsync());
        Assert.Equal(":caz!~carol@127.0.0.1 QUIT :Quit: off", await bob.ReadLineAsync());

        // Nothing more: each was heard once though it crossed in both rooms.
        await bob.SendAsync("PING :check");
        Assert.EndsWith("PONG irc.b.example :check", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Irc_who_and_ison_include_the_members_of_other_instances()
    {
        await using var bob = await IrcTestClient.ConnectAsync(_b.Port(ListenerProtocol.Irc), "bob");
        await bob.SendAsync("JOIN #lobby");
        await bob.ReadUntilAsync(l => l.Contains(" 366 bob #lobby ", StringComparison.Ordinal));
        await using var carol = await IrcTestClient.ConnectAsync(_a.Port(ListenerProtocol.Irc), "carol");
        await carol.SendAsync("JOIN #lobby");
        await carol.ReadUntilAsync(l => l.Contains(" 366 carol #lobby ", StringComparison.Ordinal));

        await WaitForAsync(async () =>
        {
            await carol.SendAsync("WHO #lobby");
            var replies = new List<string>();
            string line;
            while (!(line = await carol.ReadLineAsync()).Contains(" 315 ", StringComparison.Ordinal))
            {
                replies.Add(line);
            }

            // Bob as his instance lists him: user, host, realname; hop count 1 (another server of the network).
            return replies.Count == 2 && replies.Any(r => r.EndsWith(" 352 carol #lobby ~bob 127.0.0.1 irc.a.example bob H :1 bob in a test", StringComparison.Ordinal));
        }, "WHO #lobby does not list bob of the other instance");

        await carol.SendAsync("ISON bob carol nobody");
        Assert.EndsWith(" 303 carol :carol bob", await carol.ReadUntilAsync(l => l.Contains(" 303 ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_status_line_says_how_many_other_instances_are_linked()
    {
        var status = _a.Services.GetRequiredService<IControlStatusSource>();
        await WaitForAsync(() => Task.FromResult(status.Describe().Contains("backplane: linked through Redis to 1 other instance", StringComparison.Ordinal)), status.Describe());
    }

    [Fact]
    public async Task When_Redis_goes_away_and_comes_back_rooms_are_told_both_times_and_nicks_taken_meanwhile_are_settled()
    {
        await using var alice = await (await LineClient.ConnectAsync(_a.ChatPort)).WithNickAsync("alice");
        await using var bob = await (await LineClient.ConnectAsync(_b.ChatPort)).WithNickAsync("bob");
        var backplaneA = BackplaneTests.BackplaneOf(_a);
        var backplaneB = BackplaneTests.BackplaneOf(_b);
        await BackplaneTests.WaitUntilListeningAsync(_a, "lobby");
        await BackplaneTests.WaitUntilListeningAsync(_b, "lobby");

        _redis.Kill();
        Assert.Equal("* the other servers of this chat cannot be reached: until they can, only people on this server read what is said here",
            await alice.ReadUntilAsync(l => l.Contains("cannot be reached", StringComparison.Ordinal)));
        await bob.ReadUntilAsync(l => l.Contains("cannot be reached", StringComparison.Ordinal));
        var status = _a.Services.GetRequiredService<IControlStatusSource>();
        Assert.Contains("backplane: Redis unreachable since", status.Describe(), StringComparison.Ordinal);

        // Both sides take the same nick while neither can ask the other: one keeps it once Redis is back.
        await alice.SendAsync("/nick twin");
        Assert.Equal("* you are now known as twin", await alice.ReadUntilAsync(l => l.Contains("twin", StringComparison.Ordinal)));
        await bob.SendAsync("/nick TWIN");
        Assert.Equal("* you are now known as TWIN", await bob.ReadUntilAsync(l => l.Contains("TWIN", StringComparison.Ordinal)));
        await alice.SendAsync("said while apart");

        await _redis.RestartAsync();
        string back = await alice.ReadUntilAsync(l => l.Contains("can be reached again", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Matches(@"^\* the other servers of this chat can be reached again \(\d+ messages said here meanwhile did not reach them\)$", back);
        await bob.ReadUntilAsync(l => l.Contains("can be reached again", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        // Exactly one of them was renamed, and told so.
        await WaitForAsync(async () => (await _redis.QueryAsync("GET chatdaemon:nick:twin")) is "a" or "b", "nobody claimed twin again");
        string holder = await _redis.QueryAsync("GET chatdaemon:nick:twin");
        var (kept, renamed) = holder == "a" ? (alice, bob) : (bob, alice);
        string lostNotice = await renamed.ReadUntilAsync(l => l.Contains("belongs to someone on another server", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Matches(@"^\* the nick (twin|TWIN) belongs to someone on another server; you are now guest-\d+$", lostNotice);
        Assert.Contains("is now known as guest-", await kept.ReadUntilAsync(l => l.Contains("is now known as guest-", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), StringComparison.Ordinal);
        Assert.Contains("linked through Redis", status.Describe(), StringComparison.Ordinal);
        Assert.True(backplaneA.MessagesNotCrossed + backplaneB.MessagesNotCrossed > 0);
        Assert.Equal(0, backplaneA.SubscriptionCutOffs + backplaneB.SubscriptionCutOffs); // an outage, not a slow subscriber

        // And the rooms cross again.
        await BackplaneTests.WaitUntilListeningAsync(_a, "lobby");
        await BackplaneTests.WaitUntilListeningAsync(_b, "lobby");
        await WaitForAsync(async () =>
        {
            await bob.SendAsync("ping across");
            return await BackplaneClusterTests.LineWithinAsync(alice, l => l.EndsWith("> ping across", StringComparison.Ordinal));
        }, "room lines do not cross after Redis came back");
    }

    [Fact]
    public async Task A_subscription_Redis_cuts_off_is_reported_and_listening_resumes()
    {
        await using var alice = await (await LineClient.ConnectAsync(_a.ChatPort)).WithNickAsync("alice");
        await using var bob = await (await LineClient.ConnectAsync(_b.ChatPort)).WithNickAsync("bob");
        await BackplaneTests.WaitUntilListeningAsync(_a, "lobby");
        await BackplaneTests.WaitUntilListeningAsync(_b, "lobby");
        var backplane = BackplaneTests.BackplaneOf(_b);

        // What Redis does to a subscriber past client-output-buffer-limit pubsub: it closes its connection.
        await _redis.QueryAsync("CLIENT KILL TYPE pubsub");
        await WaitForAsync(() => Task.FromResult(backplane.SubscriptionCutOffs > 0), "the cut-off was not noticed");
        Assert.Contains("subscription cut off by Redis", _b.Services.GetRequiredService<IControlStatusSource>().Describe(), StringComparison.Ordinal);
        await WaitForAsync(async () =>
        {
            await alice.SendAsync("after the cut");
            return await BackplaneClusterTests.LineWithinAsync(bob, l => l == "<alice> after the cut");
        }, "room lines do not cross after the subscription was cut off");
    }

    [Fact]
    public async Task A_restart_that_hands_clients_over_keeps_their_nicks_and_the_other_instance_sees_nothing_happen()
    {
        await using var carol = await (await LineClient.ConnectAsync(_b.ChatPort)).WithNickAsync("carol");
        await BackplaneTests.WaitUntilListeningAsync(_b, "lobby");
        var alice = await (await LineClient.ConnectAsync(_a.ChatPort)).WithNickAsync("alice");
        try
        {
            await carol.ReadUntilAsync(l => l == "* guest-1 is now known as alice" || l.EndsWith(" is now known as alice", StringComparison.Ordinal));
            Assert.Equal("a", await _redis.QueryAsync("GET chatdaemon:nick:alice"));

            // What a restart through the file descriptor store does, within one test process: the same instance id.
            var connections = _a.Services.GetRequiredService<ChatDaemon.Networking.ConnectionServer>();
            connections.HandOverOnStop();
            await _a.StopAsync();
            var handedOver = await connections.HandedOver.WaitAsync(TimeSpan.FromSeconds(30));
            await _a.DisposeAsync();
            Assert.Equal("a", await _redis.QueryAsync("GET chatdaemon:nick:alice"));

            _a = await BackplaneTests.StartInstanceAsync(_redis, "a");
            _ = _a.Services.GetRequiredService<ChatDaemon.Networking.ConnectionServer>().Adopt(handedOver);
            await BackplaneTests.WaitUntilListeningAsync(_a, "lobby");
            Assert.Equal("* server restarted", await alice.ReadLineAsync());

            await carol.SendAsync("/nick alice");
            Assert.Equal("! nick alice is taken", await carol.ReadLineAsync());
            await carol.SendAsync("/msg alice still there?");
            Assert.Equal("-> *alice* still there?", await carol.ReadLineAsync());
            Assert.Equal("*carol* still there?", await alice.ReadLineAsync());
            await WaitForAsync(async () =>
            {
                await carol.SendAsync("/who");
                return await carol.ReadLineAsync() == "* in lobby: alice, carol";
            }, "the handed-over member is not listed");

            // Nobody on the other instance saw alice leave or come back.
            await carol.AssertNothingPendingAsync();
            Assert.Equal(0, BackplaneTests.BackplaneOf(_a).MessagesNotCrossed);
        }
        finally
        {
            await alice.DisposeAsync();
        }
    }

    /// <summary>
    /// Whether a line matching <paramref name="match"/> arrives within <paramref name="patience"/> (300 ms), lines
    /// before it read past; false on timeout instead of an exception, for a condition polled until it holds.
    /// </summary>
    internal static async Task<bool> LineWithinAsync(LineClient client, Func<string, bool> match, TimeSpan? patience = null)
    {
        try
        {
            await client.ReadUntilAsync(match, patience ?? TimeSpan.FromMilliseconds(300));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    internal static async Task WaitForAsync(Func<Task<bool>> condition, string failure, int seconds = 15)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail(failure);
    }
}

/// <summary>An instance that crashes: its members vanish from the others and their nicks are free within the claim expiry.</summary>
public sealed class BackplaneCrashTests
{
    [Fact]
    public async Task The_members_of_a_crashed_instance_vanish_from_the_others_and_their_nicks_are_free_within_the_claim_expiry()
    {
        using var redis = await RedisServer.StartAsync();
        await using var a = await BackplaneTests.StartInstanceAsync(redis, "a", claimSeconds: 3);
        string directory = Directory.CreateTempSubdirectory("chatdaemon-backplane-crash-").FullName;
        try
        {
            // Alice first: what the other instance's member does later reaches her in any order with her own replies.
            await using var alice = await (await LineClient.ConnectAsync(a.ChatPort)).WithNickAsync("alice");
            string config = Path.Combine(directory, "chatdaemon.json");
            File.WriteAllText(config, $$"""{ "Backplane": { "Kind": "Redis", "Redis": { "Endpoints": [ "{{redis.Endpoint}}" ], "InstanceId": "doomed", "ClaimSeconds": 3 } } }""");
            using var doomed = DaemonProcess.Start("--config", config, "--listen", "chat=127.0.0.1:0");
            int port = int.Parse((await doomed.WaitForOutputAsync(@"Listening for chat on 127\.0\.0\.1:(\d+)")).Groups[1].Value);
            await doomed.WaitForOutputAsync("Ready: listening on");
            var victim = await (await LineClient.ConnectAsync(port)).WithNickAsync("victim");

            await BackplaneClusterTests.WaitForAsync(async () =>
            {
                await alice.SendAsync("/who");
                return await alice.ReadUntilAsync(l => l.StartsWith("* in lobby", StringComparison.Ordinal)) == "* in lobby: alice, victim";
            }, "the other instance's member is not listed");
            await alice.SendAsync("/nick victim");
            Assert.Equal("! nick victim is taken", await alice.ReadUntilAsync(l => l is "! nick victim is taken" or "* you are now known as victim"));

            Process.GetProcessById(doomed.Pid).Kill(); // SIGKILL: nothing is released
            var clock = Stopwatch.StartNew();
            await BackplaneClusterTests.WaitForAsync(async () =>
            {
                await alice.SendAsync("/nick victim");
                return await alice.ReadUntilAsync(l => l is "* you are now known as victim" or "! nick victim is taken") == "* you are now known as victim";
            }, "the crashed instance's nick is still held", seconds: 10);
            await BackplaneClusterTests.WaitForAsync(async () =>
            {
                await alice.SendAsync("/who");
                return await alice.ReadUntilAsync(l => l.StartsWith("* in lobby", StringComparison.Ordinal)) == "* in lobby: victim";
            }, "the crashed instance's member is still listed", seconds: 10);

            // Renewed every third of the expiry: gone at most one expiry after the last renewal, so within 3 s here,
            // and the polling's own rounds on a loaded machine.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3 + 2), $"took {clock.Elapsed}");
            victim.Dispose();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>A Redis that wants a user and a password, over TLS with a private certificate authority.</summary>
public sealed class BackplaneSecuredRedisTests
{
    [Fact]
    public async Task Rooms_cross_through_a_redis_that_requires_tls_a_user_and_a_password()
    {
        string directory = Directory.CreateTempSubdirectory("chatdaemon-backplane-tls-").FullName;
        try
        {
            var (certificate, key, _) = TestCertificates.Write(directory, "127.0.0.1");
            int tlsPort = RedisServer.FreePort();
            using var redis = await RedisServer.StartAsync(
                "--tls-port", tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls-cert-file", certificate, "--tls-key-file", key,
                "--tls-ca-cert-file", certificate, "--tls-auth-clients", "no");
            Assert.Equal("+OK", await redis.QueryAsync("ACL SETUSER chat on >s3cret ~chatdaemon:* &chatdaemon:* +@all"));
            string password = Path.Combine(directory, "redis-password");
            File.WriteAllText(password, "s3cret\n");

            string Instance(string id) => $$"""
                {
                  "Listen": [ "chat=127.0.0.1:0" ],
                  "Limits": { "LinesPerSecond": 0 },
                  "Backplane": { "Kind": "Redis", "Redis": { "Endpoints": [ "127.0.0.1:{{tlsPort}}" ], "InstanceId": "{{id}}",
                    "User": "chat", "PasswordFile": "{{password}}", "Tls": true, "TlsCaFile": "{{certificate}}" } }
                }
                """;
            await using var a = await TestServer.StartAsync(Instance("a"));
            await using var b = await TestServer.StartAsync(Instance("b"));
            await using var alice = await (await LineClient.ConnectAsync(a.ChatPort)).WithNickAsync("alice");
            await using var bob = await (await LineClient.ConnectAsync(b.ChatPort)).WithNickAsync("bob");
            await BackplaneTests.WaitUntilListeningAsync(a, "lobby");
            await BackplaneTests.WaitUntilListeningAsync(b, "lobby");
            await alice.SendAsync("over tls");
            Assert.Equal("<alice> over tls", await bob.ReadUntilAsync(l => l.StartsWith('<')));
            Assert.Equal("a", await redis.QueryAsync("GET chatdaemon:nick:alice"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>
/// A subscriber that stops reading while its rooms are busy: Redis closes its connection once its output buffer
/// passes client-output-buffer-limit pubsub, and the daemon says so and counts what it missed.
/// </summary>
public sealed class BackplaneSlowSubscriberTests
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    [Fact]
    public async Task A_daemon_that_reads_too_slowly_is_cut_off_by_Redis_and_reports_it_and_the_gap()
    {
        using var redis = await RedisServer.StartAsync("--client-output-buffer-limit", "pubsub 256kb 0 0");
        string directory = Directory.CreateTempSubdirectory("chatdaemon-backplane-slow-").FullName;
        try
        {
            string config = Path.Combine(directory, "chatdaemon.json");
            File.WriteAllText(config, $$"""{ "Backplane": { "Kind": "Redis", "Redis": { "Endpoints": [ "{{redis.Endpoint}}" ], "InstanceId": "slow" } } }""");
            using var daemon = DaemonProcess.Start("--config", config, "--listen", "chat=127.0.0.1:0");
            int port = int.Parse((await daemon.WaitForOutputAsync(@"Listening for chat on 127\.0\.0\.1:(\d+)")).Groups[1].Value);
            await daemon.WaitForOutputAsync("Ready: listening on");
            await using var alice = await (await LineClient.ConnectAsync(port)).WithNickAsync("alice");

            await using var publisher = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
            var channel = StackExchange.Redis.RedisChannel.Literal("chatdaemon:room:lobby");
            byte[] Numbered(long sequence, string text) =>
                ChatDaemon.Backplane.BackplaneEnvelope.Encode("elsewhere", sequence, ChatMessage.Say("zed", "lobby", System.Text.Encoding.UTF8.GetBytes(text)));

            // Heard while the daemon still reads: the daemon listens to the room from here on.
            await BackplaneClusterTests.WaitForAsync(async () =>
            {
                await publisher.GetSubscriber().PublishAsync(channel, Numbered(1, "first"));
                return await BackplaneClusterTests.LineWithinAsync(alice, l => l == "<zed> first");
            }, "the daemon does not hear the room");

            // The daemon stops reading (SIGSTOP) while 8 MB are published to its room: far past the 256 KB limit.
            daemon.Signal(SigStop);
            try
            {
                string big = new('x', 8 * 1024);
                for (long sequence = 2; sequence <= 1001; sequence++)
                {
                    await publisher.GetSubscriber().PublishAsync(channel, Numbered(sequence, big));
                }

                // Redis, not the daemon (stopped), closed the daemon's subscription connection.
                await BackplaneClusterTests.WaitForAsync(
                    async () => !(await redis.QueryAsync("CLIENT LIST TYPE pubsub")).Contains("name=chatdaemon", StringComparison.Ordinal),
                    "Redis did not cut the stopped subscriber off");
            }
            finally
            {
                daemon.Signal(SigCont);
            }

            await daemon.WaitForOutputAsync("BackplaneSubscriptionCutOff|Redis closed this instance's subscription connection", TimeSpan.FromSeconds(20));

            // Listening again, the next message shows how many were lost.
            await BackplaneClusterTests.WaitForAsync(async () =>
            {
                await publisher.GetSubscriber().PublishAsync(channel, Numbered(1002, "after"));
                return await BackplaneClusterTests.LineWithinAsync(alice, l => l == "<zed> after", TimeSpan.FromSeconds(2));
            }, "the room is not heard again after the cut-off");
            var gap = await daemon.WaitForOutputAsync(@"Room lobby: (\d+) messages of instance elsewhere did not arrive");
            Assert.True(long.Parse(gap.Groups[1].Value) > 0);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
