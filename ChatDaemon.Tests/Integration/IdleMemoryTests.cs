using ChatDaemon.Tests.TestSupport;
using Xunit.Abstractions;

namespace ChatDaemon.Tests.Integration;

/// <summary>The idle memory tests measure the whole process's managed heap, so nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasurementCollection
{
    public const string Name = "Heap measurement (runs alone)";
}

/// <summary>
/// What an idle chat connection costs the server's managed heap. The clients live in a separate process
/// (bash holding /dev/tcp descriptors), so the heap measured here is the in-process server's alone; they
/// use only the daemon's socket-level behaviour: connect, read up to the greeting, then stay silent.
/// </summary>
[Collection(HeapMeasurementCollection.Name)]
public class IdleMemoryTests(ITestOutputHelper output)
{
    /// <summary>
    /// The bound on live managed bytes per idle chat connection on the epoll transport (the default).
    /// bench/ANALYSIS.md ("Idle connections") measured about 1.47 KB of live objects; this test measures
    /// about 1.66 KB. 2 KiB leaves room for noise while failing on a regression such as a per-connection
    /// buffer kept while idle (those are 4 KiB and up).
    /// </summary>
    protected const int EpollIdleBytesBound = 2048;

    /// <summary>
    /// The same bound on Kestrel's socket transport, whose connection carries pipes and socket event args:
    /// bench/ANALYSIS.md puts its transport at ~2.8 KB; this test measures about 4.6 KB in all.
    /// </summary>
    protected const int SocketsIdleBytesBound = 6144;

    protected virtual int MaxIdleBytesPerChatConnection => EpollIdleBytesBound;

    /// <summary>Clients measured. In-process the server holds one descriptor per client (the clients' are in bash).</summary>
    private const int IdleClients = 2000;

    /// <summary>Connected (and kept) before the baseline, so one-time costs (the room, first pool growth, JIT) are not counted.</summary>
    private const int WarmUpClients = 100;

    protected virtual string[] TransportKeys => [];

    [Fact]
    public async Task An_idle_chat_connection_costs_the_server_no_more_managed_heap_than_the_bound()
    {
        await using var server = await TestServer.StartAsync(
            """{ "Listen": [ "chat=127.0.0.1:0" ] }""",
            [.. TransportKeys, "--Limits:MaxConnections=0", "--Limits:MaxConnectionsPerAddress=0"]);

        using var warmUp = IdleClientsProcess(server.ChatPort, WarmUpClients);
        await AssertAllGreetedAsync(warmUp, WarmUpClients);
        long before = SettledHeapBytes();

        using var idle = IdleClientsProcess(server.ChatPort, IdleClients);
        await AssertAllGreetedAsync(idle, IdleClients);
        long after = SettledHeapBytes();

        double perClient = (after - before) / (double)IdleClients;
        output.WriteLine($"heap {before:N0} -> {after:N0} bytes: {perClient:N0} bytes per idle chat connection (bound {MaxIdleBytesPerChatConnection:N0})");
        Assert.True(perClient <= MaxIdleBytesPerChatConnection,
            $"{perClient:N0} bytes of managed heap per idle chat connection, over the bound of {MaxIdleBytesPerChatConnection:N0}");
    }

    /// <summary>
    /// bash opens <paramref name="count"/> connections, reads each up to its greeting, prints how many were greeted,
    /// then becomes sleep(1) (exec keeps the descriptors open, so killing that one process closes them all).
    /// </summary>
    private static ChildProcess IdleClientsProcess(int port, int count)
    {
        const string script = """
            greeted=0
            for ((i = 0; i < $2; i++)); do
              exec {fd}<>/dev/tcp/127.0.0.1/$1 || break
              while IFS= read -r -u "$fd" line; do
                case $line in "* you are guest-"*) greeted=$((greeted + 1)); break ;; esac
              done
            done
            echo "greeted $greeted"
            exec sleep infinity
            """;
        return new ChildProcess("bash", ["-c", script, "idle-clients", port.ToString(), count.ToString()]);
    }

    private static async Task AssertAllGreetedAsync(ChildProcess clients, int count)
    {
        string line = await clients.WaitForOutputLineAsync(l => l.StartsWith("greeted "), TimeSpan.FromMinutes(2));
        Assert.Equal($"greeted {count}", line);
    }

    /// <summary>Live managed bytes once the server has had a moment to finish its per-connection work and the GC has compacted.</summary>
    private static long SettledHeapBytes()
    {
        // Greeted means the server wrote the greeting; its send path may still be returning buffers.
        // Collect until two full collections 100 ms apart agree within 64 KiB (32 bytes a client), so in-flight work does not count.
        long previous = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < 20; i++)
        {
            Thread.Sleep(100);
            long current = GC.GetTotalMemory(forceFullCollection: true);
            if (Math.Abs(current - previous) < 64 * 1024)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }
}

[Collection(HeapMeasurementCollection.Name)]
public sealed class IdleMemoryTestsOnSocketsTransport(ITestOutputHelper output) : IdleMemoryTests(output)
{
    protected override string[] TransportKeys => ["--Transport:Kind=Sockets"];

    protected override int MaxIdleBytesPerChatConnection => SocketsIdleBytesBound;
}
