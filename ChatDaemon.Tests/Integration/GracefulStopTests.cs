using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>Runs on ChatDaemon's epoll transport here and on Kestrel's socket transport in <see cref="GracefulStopTestsOnSocketsTransport"/>.</summary>
public class GracefulStopTests
{
    protected virtual string[] TransportKeys => [];

    private Task<TestServer> StartServerAsync(string? json, params string[] keys) => TestServer.StartAsync(json, [.. TransportKeys, .. keys]);

    [Fact]
    public async Task Stopping_delivers_every_accepted_message_then_says_shutting_down_and_closes()
    {
        var server = await StartServerAsync(null, "--Limits:LinesPerSecond=0");
        await using (server)
        {
            await using var alice = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("alice");
            await using var bob = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("bob");
            await alice.ReadUntilAsync(l => l.EndsWith("is now known as bob"));

            // Bob reads nothing yet. Once alice's /who is answered, the server has accepted all 500 lines before it.
            await alice.SendRawAsync(System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"message {i}\n"))));
            await alice.AssertNothingPendingAsync();

            await server.StopAsync();

            for (int i = 0; i < 500; i++)
            {
                Assert.Equal($"<alice> message {i}", await bob.ReadLineAsync());
            }

            Assert.Equal("* server shutting down", await bob.ReadLineAsync());
            Assert.True(await bob.IsClosedByServerAsync());
            Assert.Equal("* server shutting down", await alice.ReadLineAsync());
            Assert.True(await alice.IsClosedByServerAsync());
        }
    }

    [Fact]
    public async Task A_client_that_reads_nothing_cannot_hold_the_stop_beyond_the_drain_timeout()
    {
        var server = await StartServerAsync(null, "--Limits:LinesPerSecond=0", "--Limits:SendQueueBytes=0", "--Shutdown:DrainTimeoutSeconds=1");
        await using (server)
        {
            await using var alice = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("alice");
            using var bob = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            bob.ReceiveBufferSize = 4096;
            await bob.ConnectAsync(System.Net.IPAddress.Loopback, server.ChatPort);
            await alice.ReadUntilAsync(l => l.EndsWith(" joined lobby"));

            // 20 MB for bob, who reads nothing and has no queue limit.
            string line = new('y', 4000);
            for (int i = 0; i < 5000; i++)
            {
                await alice.SendAsync(line);
            }

            await alice.AssertNothingPendingAsync();
            var stopping = server.StopAsync();
            var finished = await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.Same(stopping, finished);
        }
    }
}

public sealed class GracefulStopTestsOnSocketsTransport : GracefulStopTests
{
    protected override string[] TransportKeys => ["--Transport:Kind=Sockets"];
}
