using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatDaemon.Chat;
using ChatDaemon.Networking;
using Microsoft.Extensions.DependencyInjection;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// The three defects an outside run of hostile clients found (issue 11), each reproduced as it was
/// reported, on ChatDaemon's epoll transport here and on Kestrel's socket transport in the subclass.
/// </summary>
public class HostileClientTests
{
    protected virtual string[] TransportKeys => [];

    private Task<TestServer> StartAsync(params string[] keys) => TestServer.StartAsync(null, [.. TransportKeys, .. keys]);

    [Fact]
    public async Task A_throttled_client_that_resets_leaves_its_room_and_frees_its_nick_within_a_second()
    {
        await using var server = await StartAsync();
        await using var alice = await LineClient.ConnectAsync(server.ChatPort);
        await alice.SendAsync("/join g");
        await alice.ReadUntilAsync(l => l.StartsWith("* you are now in g"));

        // 2,000 lines in one write: 20 pass at once, the rest wait for tokens at 10 per second.
        using var ghost = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await ghost.ConnectAsync(IPAddress.Loopback, server.ChatPort);
        var flood = new StringBuilder("/nick ghost\n/join g\n");
        for (int i = 0; i < 2000; i++)
        {
            flood.Append('x').Append(i).Append('\n');
        }

        await ghost.SendAsync(Encoding.ASCII.GetBytes(flood.ToString()));
        await alice.ReadUntilAsync(l => l == "* ghost joined g");
        await alice.ReadUntilAsync(l => l == "<ghost> x0");
        await Task.Delay(500);

        // SO_LINGER with a zero timeout: close(2) sends RST.
        ghost.LingerState = new LingerOption(true, 0);
        ghost.Close();
        var reset = Stopwatch.StartNew();

        string last = "";
        string left = await alice.ReadUntilAsync(l =>
        {
            if (l.StartsWith("<ghost> x", StringComparison.Ordinal))
            {
                last = l;
            }

            return l.StartsWith("* ghost left g", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10));
        var after = reset.Elapsed;
        Assert.True(after < TimeSpan.FromSeconds(2), $"the room heard of the reset after {after.TotalMilliseconds:F0} ms (last line relayed: '{last}')");
        Assert.Equal("* ghost left g", left);

        // Nothing more of ghost's reaches the room, and the nick and the connection slot are free.
        await alice.AssertNothingPendingAsync();
        var connections = server.Services.GetRequiredService<ConnectionServer>();
        await WaitUntilAsync(() => connections.ActiveConnections == 1, TimeSpan.FromSeconds(1), () => $"{connections.ActiveConnections} connections");
        await using var next = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("ghost");
    }

    [Fact]
    public async Task A_throttled_client_that_only_half_closes_is_still_served_at_its_rate()
    {
        await using var server = await StartAsync();
        await using var alice = await LineClient.ConnectAsync(server.ChatPort);
        await alice.SendAsync("/join h");
        await alice.ReadUntilAsync(l => l.StartsWith("* you are now in h"));

        using var half = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await half.ConnectAsync(IPAddress.Loopback, server.ChatPort);
        var lines = new StringBuilder("/nick half\n/join h\n");
        for (int i = 0; i < 40; i++)
        {
            lines.Append('y').Append(i).Append('\n');
        }

        lines.Append("/quit done\n");
        await half.SendAsync(Encoding.ASCII.GetBytes(lines.ToString()));
        half.Shutdown(SocketShutdown.Send); // FIN; it still reads

        for (int i = 0; i < 40; i++)
        {
            Assert.Equal($"<half> y{i}", await alice.ReadUntilAsync(l => l.StartsWith("<half>", StringComparison.Ordinal)));
        }

        Assert.Equal("* half left h (quit: done)", await alice.ReadUntilAsync(l => l.StartsWith("* half left", StringComparison.Ordinal)));

        // And it heard its goodbye: it was served to the end.
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await half.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(10))) > 0)
        {
            received.Write(buffer, 0, n);
        }

        Assert.EndsWith("* bye\r\n", Encoding.UTF8.GetString(received.ToArray()));
    }

    [Fact]
    public async Task A_prompt_reader_is_never_dropped_because_others_in_its_room_do_not_read()
    {
        await using var server = await StartAsync();
        var connections = server.Services.GetRequiredService<ConnectionServer>();
        var addresses = new SourceAddresses();
        for (int trial = 0; trial < 10; trial++)
        {
            await RunBurstTrialAsync(server, addresses, $"burst{trial}", thenFlood: trial == 9);
            await WaitUntilAsync(() => connections.ActiveConnections == 0, TimeSpan.FromSeconds(20), () => $"{connections.ActiveConnections} connections left after trial {trial}");
        }
    }

    /// <summary>
    /// A victim that only reads, 200 members that never read, 30 senders each writing 20 lines of 4,090 bytes at
    /// the same moment: the victim gets all 600 lines, each sender's in order. With <paramref name="thenFlood"/>
    /// the senders go on (40 lines more each, at their rate) until the non-readers are dropped: the kernel holds
    /// about 3 MB for a loopback client that does not read, more than the first burst.
    /// </summary>
    private static async Task RunBurstTrialAsync(TestServer server, SourceAddresses addresses, string room, bool thenFlood)
    {
        const int nonReaders = 200, senders = 30, linesEach = 20;
        var hub = server.Services.GetRequiredService<ChatHub>();
        var sockets = new List<Socket>();
        try
        {
            var victim = await addresses.ConnectAsync(server.ChatPort);
            sockets.Add(victim);
            await victim.SendAsync(Encoding.ASCII.GetBytes($"/nick v{room}\n/join {room}\n"));
            var received = new VictimReader(victim);

            for (int i = 0; i < nonReaders; i++)
            {
                var idle = await addresses.ConnectAsync(server.ChatPort, receiveBufferBytes: 4096);
                sockets.Add(idle);
                await idle.SendAsync(Encoding.ASCII.GetBytes($"/join {room}\n"));
            }

            var senderSockets = new Socket[senders];
            var drains = new List<Task>();
            for (int s = 0; s < senders; s++)
            {
                senderSockets[s] = await addresses.ConnectAsync(server.ChatPort);
                sockets.Add(senderSockets[s]);
                await senderSockets[s].SendAsync(Encoding.ASCII.GetBytes($"/nick s{s:D2}\n/join {room}\n"));
                drains.Add(DiscardAsync(senderSockets[s]));
            }

            // 231 connects at once: on a loaded machine (the suite runs beside a Native AOT publish) a connect whose
            // handshake was dropped is retried by TCP after 1, 3, 7, 15 and 31 s, so the room may fill late. Twice a
            // CI run saw 230 of 231 at 20 s; the message says whether the last one was accepted at all.
            var connections = server.Services.GetRequiredService<ConnectionServer>();
            await WaitUntilAsync(() => MembersOf(hub, room) == 1 + nonReaders + senders, TimeSpan.FromSeconds(60),
                () => $"{MembersOf(hub, room)} in {room}; {connections.ActiveConnections} connections open, {connections.AcceptedConnections} accepted since the start; rooms: "
                    + string.Join(", ", hub.Rooms.Select(r => $"{r.Name} {r.Members.Length}")));
            var payloads = Enumerable.Range(0, senders).Select(s =>
            {
                var text = new StringBuilder();
                for (int k = 0; k < linesEach * (thenFlood ? 3 : 1); k++)
                {
                    text.Append(k.ToString("D2")).Append(' ').Append('z', 4086).Append('\n');
                }

                return Encoding.ASCII.GetBytes(text.ToString());
            }).ToArray();
            using (var go = new Barrier(senders))
            {
                await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Factory.StartNew(
                    () =>
                    {
                        go.SignalAndWait();
                        senderSockets[s].Send(payloads[s]);
                    },
                    TaskCreationOptions.LongRunning)));
            }

            int expected = senders * linesEach * (thenFlood ? 3 : 1);
            var lines = await received.WaitForAsync(expected, TimeSpan.FromSeconds(30));
            var next = new int[senders];
            foreach (var line in lines)
            {
                Assert.StartsWith("<s", line);
                int s = int.Parse(line.AsSpan(2, 2));
                Assert.Equal($"<s{s:D2}> {next[s]:D2} {new string('z', 4086)}", line);
                next[s]++;
            }

            Assert.All(next, n => Assert.Equal(expected / senders, n));
            if (thenFlood)
            {
                // The members that never read are the ones dropped.
                await WaitUntilAsync(() => MembersOf(hub, room) == 1 + senders, TimeSpan.FromSeconds(20), () => $"{MembersOf(hub, room)} still in {room}");
            }

            Assert.False(received.Closed, "the victim was disconnected");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_rooms_list_is_bounded_and_never_disconnects_who_asked()
    {
        await using var server = await StartAsync("--Limits:SendQueueBytes=16384");
        var hub = server.Services.GetRequiredService<ChatHub>();
        using var crowd = await Crowd.ConnectAsync(server.ChatPort, 500, i => $"/join R{i:D5}{new string('x', 26)}\n");
        await WaitUntilAsync(() => hub.RoomCount == 500, TimeSpan.FromSeconds(20), () => $"{hub.RoomCount} rooms");

        await using var asker = await LineClient.ConnectAsync(server.ChatPort);
        await asker.SendAsync("/rooms");
        AssertBounded(await ReadReplyAsync(asker), "* rooms: 501", 501, maxLines: 40);
        await asker.AssertNothingPendingAsync(); // still connected and served
    }

    [Fact]
    public async Task A_who_list_is_bounded_and_never_disconnects_who_asked()
    {
        await using var server = await StartAsync("--Limits:SendQueueBytes=16384");
        var hub = server.Services.GetRequiredService<ChatHub>();
        using var crowd = await Crowd.ConnectAsync(server.ChatPort, 601, i => $"/nick N{i:D5}{new string('n', 26)}\n/join big\n");
        await WaitUntilAsync(() => MembersOf(hub, "big") == 601, TimeSpan.FromSeconds(20), () => $"{MembersOf(hub, "big")} in big");

        await using var asker = await LineClient.ConnectAsync(server.ChatPort);
        await asker.SendAsync("/join big");
        await asker.ReadUntilAsync(l => l.StartsWith("* you are now in big"));
        await asker.SendAsync("/who");
        AssertBounded(await ReadReplyAsync(asker), "* in big: 602", 602, maxLines: 60);
        await asker.AssertNothingPendingAsync();
    }

    /// <summary>A heading with the total, lines of at most 80 bytes, and "* ... and N more" that adds up with the entries shown.</summary>
    private static void AssertBounded(List<string> reply, string heading, int total, int maxLines)
    {
        Assert.StartsWith(heading, reply[0]);
        Assert.All(reply, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 80, $"a line of {l.Length} characters: {l}"));
        Assert.True(reply.Count <= maxLines, $"{reply.Count} lines");
        var more = System.Text.RegularExpressions.Regex.Match(reply[^1], @"^\* \.\.\. and (\d+) more$");
        Assert.True(more.Success, reply[^1]);
        int shown = reply.Skip(1).Take(reply.Count - 2).Sum(l => l.Split(", ").Length);
        Assert.Equal(total - shown, int.Parse(more.Groups[1].Value));
    }

    /// <summary>The lines of a /rooms or /who reply: its heading, the entries, the closing line ("* ... and N more" or "* end of list").</summary>
    private static async Task<List<string>> ReadReplyAsync(LineClient client)
    {
        var lines = new List<string> { await client.ReadUntilAsync(l => l.StartsWith("* rooms: ") || l.StartsWith("* in ")) };
        while (true)
        {
            string line = await client.ReadLineAsync();
            lines.Add(line);
            if (line.StartsWith("* ... ") || line == "* end of list")
            {
                return lines;
            }
        }
    }

    private static int MembersOf(ChatHub hub, string room) =>
        hub.FindRoom(room)?.Members.Length ?? 0;

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out: " + what());
            await Task.Delay(20);
        }
    }

    private static async Task DiscardAsync(Socket socket)
    {
        var buffer = new byte[65536];
        try
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Many raw clients, each sending its commands once and never reading (the kernel holds what they are sent).</summary>
    private sealed class Crowd : IDisposable
    {
        private readonly List<Socket> _sockets = new();

        public static async Task<Crowd> ConnectAsync(int port, int count, Func<int, string> commands)
        {
            var crowd = new Crowd();
            var addresses = new SourceAddresses();
            try
            {
                for (int i = 0; i < count; i++)
                {
                    var socket = await addresses.ConnectAsync(port);
                    crowd._sockets.Add(socket);
                    await socket.SendAsync(Encoding.ASCII.GetBytes(commands(i)));
                }

                return crowd;
            }
            catch
            {
                crowd.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Spreads clients over 127.0.0.2 and up, 30 per address, below the default per-address limit of 32.</summary>
    private sealed class SourceAddresses
    {
        private int _count;

        public async Task<Socket> ConnectAsync(int port, int receiveBufferBytes = 0)
        {
            int n = _count++;
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (receiveBufferBytes > 0)
            {
                socket.ReceiveBufferSize = receiveBufferBytes;
            }

            socket.Bind(new IPEndPoint(new IPAddress([127, 0, (byte)(1 + (n / 30 / 250)), (byte)(2 + (n / 30 % 250))]), 0));
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return socket;
        }
    }

    /// <summary>A client that does nothing but recv(2), on a thread of its own, and keeps the room messages it got.</summary>
    private sealed class VictimReader
    {
        private readonly List<string> _lines = new();
        private readonly Thread _thread;

        public VictimReader(Socket socket)
        {
            _thread = new Thread(() => Run(socket)) { IsBackground = true, Name = "victim" };
            _thread.Start();
        }

        public bool Closed { get; private set; }

        public async Task<List<string>> WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                lock (_lines)
                {
                    if (_lines.Count >= count)
                    {
                        return [.. _lines];
                    }

                    Assert.False(Closed, $"the victim was disconnected after {_lines.Count} of {count} lines");
                    Assert.True(DateTime.UtcNow < deadline, $"the victim got {_lines.Count} of {count} lines");
                }

                await Task.Delay(20);
            }
        }

        private void Run(Socket socket)
        {
            var buffer = new byte[65536];
            var pending = new List<byte>();
            try
            {
                int n;
                while ((n = socket.Receive(buffer)) > 0)
                {
                    pending.AddRange(buffer.AsSpan(0, n));
                    int lf;
                    while ((lf = pending.IndexOf((byte)'\n')) >= 0)
                    {
                        string line = Encoding.UTF8.GetString(pending.GetRange(0, lf).ToArray()).TrimEnd('\r');
                        pending.RemoveRange(0, lf + 1);
                        if (line.StartsWith("<s", StringComparison.Ordinal))
                        {
                            lock (_lines)
                            {
                                _lines.Add(line);
                            }
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            lock (_lines)
            {
                Closed = true;
            }
        }
    }
}

public sealed class HostileClientTestsOnSocketsTransport : HostileClientTests
{
    protected override string[] TransportKeys => ["--Transport:Kind=Sockets"];
}
