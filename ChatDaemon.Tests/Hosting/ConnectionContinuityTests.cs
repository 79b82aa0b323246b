using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ChatDaemon.Hosting;
using ChatDaemon.Interop;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using ChatDaemon.Tests.Integration;
using ChatDaemon.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatDaemon.Tests.Hosting;

/// <summary>
/// What comes back from the file descriptor store is bad input like any other: descriptors that are not connected
/// sockets, names this build did not give, a state file that does not read. Each gets one log line and is closed
/// (and let go of in the store); the good ones are served, as new guests when their state is unusable.
/// </summary>
public sealed class ConnectionContinuityTests : IAsyncLifetime
{
    private const int F_DUPFD_CLOEXEC = 1030;
    private readonly RecordingStore _store = new();
    private readonly RecordingLogger<ConnectionContinuity> _log = new();
    private readonly List<IDisposable> _owned = [];
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(null, "--Limits:MaxConnections=2");

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await _server.DisposeAsync();
    }

    /// <summary>A duplicate of <paramref name="handle"/>'s descriptor: what systemd would pass, owned by whoever it is passed to.</summary>
    private static int Duplicate(SafeHandle handle) => LibC.fcntl((int)handle.DangerousGetHandle(), F_DUPFD_CLOEXEC, 3);

    /// <summary>
    /// Whether <paramref name="fd"/> still refers to the file it did (by inode): the number alone could already have
    /// been reused by another thread of the test host once closed.
    /// </summary>
    private static bool StillOpen(int fd, FileIdentity was) => FileIdentity.OfDescriptor(fd) is { } now && now.SameFileAs(was);

    private ConnectionContinuity Continuity(params KeptDescriptor[] kept)
    {
        var keeper = new KeptConnections(_store, NullLogger<KeptConnections>.Instance);
        var states = new KeptMemberStates(keeper, _store, NullLogger<KeptMemberStates>.Instance);
        _owned.Add(states);
        return new ConnectionContinuity(keeper, states, _store, new StoreEnabledQuery(), new Passed(kept),
            _server.Services.GetRequiredService<ConnectionServer>(), _server.Services.GetRequiredService<IHostApplicationLifetime>(), _log);
    }

    [Fact]
    public async Task Descriptors_that_are_not_connections_this_build_serves_are_closed_with_one_line_each_and_the_good_one_is_served()
    {
        // The good one: a connected TCP socket named as a chat connection, whose client is the test.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = LineClient.ConnectAsync(((IPEndPoint)listener.LocalEndpoint).Port, readGreeting: false);
        using var accepted = await listener.AcceptSocketAsync();
        await using var client = await connecting;
        int good = Duplicate(accepted.SafeHandle);

        // The bad ones: a file, a listening socket, a connection under a name this build never gives.
        string path = Path.Combine(Path.GetTempPath(), $"chatdaemon-kept-{Guid.NewGuid():N}");
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            int notASocket = Duplicate(file);
            File.Delete(path);
            using var listening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listening.Listen();
            int notConnected = Duplicate(listening.SafeHandle);
            int unknownName = Duplicate(accepted.SafeHandle);
            var fileIdentity = FileIdentity.OfDescriptor(notASocket)!.Value;
            var listeningIdentity = FileIdentity.OfDescriptor(notConnected)!.Value;
            var acceptedIdentity = FileIdentity.OfDescriptor(unknownName)!.Value;

            await Continuity(
                new KeptDescriptor(notASocket, "~chat"),
                new KeptDescriptor(notConnected, "~echo"),
                new KeptDescriptor(unknownName, "~gopher"),
                new KeptDescriptor(good, "~chat")).StartAsync(CancellationToken.None);

            Assert.False(StillOpen(notASocket, fileIdentity), "a file passed as a connection stays open");
            Assert.False(StillOpen(notConnected, listeningIdentity), "a listening socket passed as a connection stays open");
            Assert.False(StillOpen(unknownName, acceptedIdentity), "a descriptor under an unknown name stays open");
        }

        Assert.Equal(3, _log.Events.Count(e => e == "KeptDescriptorUnusable"));
        Assert.Equal(3, _store.Removed.Count(name => name is "~chat" or "~echo" or "~gopher"));
        Assert.Contains(_log.Events, e => e == "KeptConnectionsAdopted");

        // Served, as a new guest: it had no saved state.
        Assert.Matches(@"^\* you are guest-\d+ in room lobby$", await client.ReadUntilAsync(l => l.StartsWith("* you are ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_state_file_that_does_not_read_costs_the_members_their_state_not_their_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = LineClient.ConnectAsync(((IPEndPoint)listener.LocalEndpoint).Port, readGreeting: false);
        using var accepted = await listener.AcceptSocketAsync();
        await using var client = await connecting;

        string path = Path.Combine(Path.GetTempPath(), $"chatdaemon-state-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, "GIF89a, not a member state file"u8.ToArray());
        int state;
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            state = Duplicate(file);
        }

        File.Delete(path);
        await Continuity(new KeptDescriptor(state, KeptMemberStates.StateName), new KeptDescriptor(Duplicate(accepted.SafeHandle), "~chat"))
            .StartAsync(CancellationToken.None);

        Assert.Contains(_log.Events, e => e == "KeptStateProblem");
        Assert.Matches(@"^\* you are guest-\d+ in room lobby$", await client.ReadUntilAsync(l => l.StartsWith("* you are ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task More_kept_connections_than_the_server_takes_are_refused_like_any_client_over_the_limit()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clients = new List<LineClient>();
        var kept = new List<KeptDescriptor>();
        var accepted = new List<Socket>();
        for (int i = 0; i < 3; i++)
        {
            var connecting = LineClient.ConnectAsync(((IPEndPoint)listener.LocalEndpoint).Port, readGreeting: false);
            accepted.Add(await listener.AcceptSocketAsync());
            clients.Add(await connecting);
            kept.Add(new KeptDescriptor(Duplicate(accepted[^1].SafeHandle), "~chat"));
        }

        try
        {
            await Continuity([.. kept]).StartAsync(CancellationToken.None);

            // Limits:MaxConnections=2: two are served, the third is told the server is full and closed.
            var firstLines = await Task.WhenAll(clients.Select(c => c.ReadLineAsync()));
            Assert.Equal(2, firstLines.Count(l => l.StartsWith("* ", StringComparison.Ordinal) && !l.Contains("full", StringComparison.Ordinal)));
            var refused = clients[Array.FindIndex(firstLines, l => l.Contains("full", StringComparison.Ordinal))];
            Assert.True(await refused.IsClosedByServerAsync());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            foreach (var socket in accepted)
            {
                socket.Dispose();
            }
        }
    }

    private sealed class RecordingStore : IFileDescriptorStore
    {
        public List<string> Removed { get; } = [];

        public bool IsEnabled => true;

        public bool Store(string name, SafeHandle descriptor, bool pollForHangup = true) => true;

        public bool Remove(string name)
        {
            lock (Removed)
            {
                Removed.Add(name);
            }

            return true;
        }
    }

    private sealed class StoreEnabledQuery : IServiceManagerQuery
    {
        public Task<ServiceJob> GetJobAsync(TimeSpan timeout) => Task.FromResult(ServiceJob.Stop);

        public Task<uint?> GetFileDescriptorStoreMaxAsync(TimeSpan timeout) => Task.FromResult<uint?>(100);
    }

    private sealed class Passed(IReadOnlyList<KeptDescriptor> kept) : ISystemdSocketActivation
    {
        public IReadOnlyList<SystemdListenSocket> Sockets => [];

        public IReadOnlyList<KeptDescriptor> Kept => kept;
    }

    private sealed class RecordingLogger<T> : ILogger<T>
    {
        private readonly List<string> _events = [];

        public IReadOnlyList<string> Events
        {
            get
            {
                lock (_events)
                {
                    return _events.ToArray();
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_events)
            {
                _events.Add(eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
