using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>Runs on ChatDaemon's epoll transport here and on Kestrel's socket transport in <see cref="LimitsTestsOnSocketsTransport"/>.</summary>
public class LimitsTests
{
    protected virtual string[] TransportKeys => [];

    private Task<TestServer> StartServerAsync(string? json, params string[] keys) => TestServer.StartAsync(json, [.. TransportKeys, .. keys]);

    [Fact]
    public async Task A_client_that_does_not_read_is_disconnected_while_the_others_keep_chatting()
    {
        await using var server = await StartServerAsync(null, "--Limits:SendQueueBytes=4194304", "--Limits:LinesPerSecond=0");
        await using var alice = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("alice");
        await using var carol = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("carol");

        // Bob never reads; a small receive window makes the backlog reach the server quickly. The queue limit is
        // generous because alice floods with no rate limit, and carol, who reads, must never fall that far behind.
        using var bob = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bob.ReceiveBufferSize = 4096;
        await bob.ConnectAsync(IPAddress.Loopback, server.ChatPort);
        await alice.ReadUntilAsync(l => l.EndsWith(" joined lobby"));
        await carol.ReadUntilAsync(l => l.EndsWith(" joined lobby"));

        const int lines = 6000;
        string payload = new('x', 4000);
        var reading = Task.Run(async () =>
        {
            for (int i = 0; i < lines; i++)
            {
                string line = await carol.ReadUntilAsync(l => l.StartsWith("<alice>"));
                Assert.Equal($"<alice> {i} {payload}", line);
            }
        });
        for (int i = 0; i < lines; i++)
        {
            await alice.SendAsync($"{i} {payload}");
        }

        await reading; // every line reached carol, in order, although bob blocked his share

        // Bob is cut off once more than the limit has waited for him for Limits:SlowClientSeconds (2 s) with his
        // socket full, by the grace timer if the flood ended sooner: he is gone from the room, and what is left
        // for him ends in a close.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await alice.SendAsync("/who");
            if (await alice.ReadUntilAsync(l => l.StartsWith("* in ")) == "* in lobby: alice, carol")
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "bob was not disconnected");
            await Task.Delay(100);
        }

        var buffer = new byte[65536];
        int total = 0;
        try
        {
            int n;
            while ((n = await bob.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(10))) > 0)
            {
                total += n;
            }
        }
        catch (SocketException)
        {
            // Reset: just as good a close.
        }

        Assert.True(total < 20_000_000, $"bob received {total} bytes, fewer than the {lines * 4000} sent");
    }

    [Fact]
    public async Task A_fast_sender_is_throttled_and_loses_no_lines()
    {
        await using var server = await StartServerAsync(null, "--Limits:LinesPerSecond=50", "--Limits:LineBurst=10");
        await using var alice = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("alice");
        await using var bob = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("bob");
        await alice.ReadUntilAsync(l => l.EndsWith("is now known as bob"));

        var clock = Stopwatch.StartNew();
        await alice.SendRawAsync(System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n"))));
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal($"<alice> line {i}", await bob.ReadLineAsync());
        }

        // 10 at once, then 50 per second: the other 90 cannot arrive in less than 1.8 s.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.6), $"100 lines took only {clock.Elapsed}");
    }

    [Fact]
    public async Task Over_the_connection_limit_a_new_chat_client_hears_server_full_and_is_closed()
    {
        await using var server = await StartServerAsync(null, "--Limits:MaxConnections=2");
        await using var a = await LineClient.ConnectAsync(server.ChatPort);
        await using var b = await LineClient.ConnectAsync(server.ChatPort);
        await using var c = await LineClient.ConnectAsync(server.ChatPort, readGreeting: false);
        Assert.Equal("! server full", await c.ReadLineAsync());
        Assert.True(await c.IsClosedByServerAsync());

        // A place frees up: the next one is served.
        await b.SendAsync("/quit");
        Assert.True(await b.IsClosedByServerAsync());
        await using var d = await WaitForAdmissionAsync(server.ChatPort);
        await d.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Over_the_per_address_limit_a_new_client_is_told_and_closed()
    {
        await using var server = await StartServerAsync(null, "--Limits:MaxConnectionsPerAddress=2");
        await using var a = await LineClient.ConnectAsync(server.ChatPort);
        await using var b = await LineClient.ConnectAsync(server.ChatPort);
        await using var c = await LineClient.ConnectAsync(server.ChatPort, readGreeting: false);
        Assert.Equal("! too many connections from your address", await c.ReadLineAsync());
        Assert.True(await c.IsClosedByServerAsync());

        // Echo counts against the same limits but is closed without a word (its stream is byte-exact).
        using var echo = new TcpClient();
        await echo.ConnectAsync(IPAddress.Loopback, server.EchoPort);
        var buffer = new byte[16];
        Assert.Equal(0, await echo.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Zero_switches_a_limit_off()
    {
        await using var server = await StartServerAsync(null, "--Limits:MaxLineBytes=0", "--Limits:MaxConnectionsPerAddress=0");
        var clients = new List<LineClient>();
        try
        {
            for (int i = 0; i < 40; i++)
            {
                clients.Add(await LineClient.ConnectAsync(server.ChatPort));
            }

            await clients[0].SendAsync(new string('z', 100_000));
            Assert.Equal($"<{clients[0].Nick}> " + new string('z', 100_000), await clients[1].ReadUntilAsync(l => l.StartsWith('<')));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<LineClient> WaitForAdmissionAsync(int port)
    {
        // The freed place is released when the server finishes closing, just after the client sees the close.
        for (int attempt = 0; ; attempt++)
        {
            var client = await LineClient.ConnectAsync(port, readGreeting: false);
            string first = await client.ReadLineAsync();
            if (first != "! server full")
            {
                await client.ReadUntilAsync(l => l.StartsWith("* you are "));
                return client;
            }

            await client.DisposeAsync();
            Assert.True(attempt < 50, "the freed place was never given back");
            await Task.Delay(50);
        }
    }
}

public sealed class LimitsTestsOnSocketsTransport : LimitsTests
{
    protected override string[] TransportKeys => ["--Transport:Kind=Sockets"];
}
