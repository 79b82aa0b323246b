using System.Net;
using System.Net.Sockets;
using ChatDaemon.Chat;
using ChatDaemon.Chat.Line;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using ChatDaemon.Tests.TestSupport;
using ChatDaemon.Networking.Epoll;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Tests.Chat;

/// <summary>
/// Line sessions on the epoll transport with one event loop: a command that walks shared state runs on the
/// thread pool while its session waits, so the loop goes on serving the other clients.
/// </summary>
public sealed class OffLoopCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly EpollTransportFactory _factory = new(
        Options.Create(new TransportOptions { EventLoops = 1 }), NullLogger<EpollTransportFactory>.Instance);

    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly List<Socket> _sockets = [];
    private readonly ChatHub _hub = new();
    private readonly TaskCompletionSource<string?> _blockEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string?> _inlineRan = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IConnectionListener? _listener;

    public async Task InitializeAsync() => _listener = await _factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        foreach (var item in _cleanup)
        {
            await item.DisposeAsync();
        }

        await _listener!.DisposeAsync();
        _factory.Dispose();
    }

    private LineCommandTable Commands() => new(
    [
        .. LineCommands.All,
        new LineCommand("block", "/block", "walks shared state until the test lets it go", (session, _) =>
        {
            _blockEntered.TrySetResult(Thread.CurrentThread.Name);
            _release.Task.Wait(Patience);
            session.Send(LineText.Notice("unblocked"));
            return true;
        }, WalksSharedState: true),
        new LineCommand("here", "/here", "runs where the line was read", (session, _) =>
        {
            _inlineRan.TrySetResult(Thread.CurrentThread.Name);
            session.Send(LineText.Notice("ran"));
            return true;
        }),
    ]);

    private async Task<LineClient> ConnectAsync(LineSessionServices services)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(socket);
        await socket.ConnectAsync((IPEndPoint)_listener!.EndPoint);
        var context = (await _listener.AcceptAsync().AsTask().WaitAsync(Patience))!;
        _cleanup.Add(context);
        var session = new LineSession(new ClientConnection(context, ListenerProtocol.Chat), services);
        _ = session.RunAsync(CancellationToken.None);
        return LineClient.Over(socket);
    }

    [Fact]
    public async Task While_one_client_waits_for_a_command_that_walks_shared_state_the_event_loop_serves_another()
    {
        var settings = new ChatSettings(
            new StaticOptionsMonitor<ChatOptions>(new ChatOptions { Motd = "" }),
            new StaticOptionsMonitor<LimitsOptions>(new LimitsOptions { LinesPerSecond = 0 }));
        var services = new LineSessionServices(_hub, settings, new ChatLimitLog(), NullLogger.Instance, TimeProvider.System, Commands());
        var alice = await ConnectAsync(services);
        Assert.StartsWith("* you are guest-1", await alice.ReadLineAsync(Patience));
        var bob = await ConnectAsync(services);
        Assert.StartsWith("* you are guest-2", await bob.ReadLineAsync(Patience));
        Assert.Equal("* guest-2 joined lobby", await alice.ReadLineAsync(Patience));

        // A command that does not walk shared state runs on the loop that read it.
        await bob.SendAsync("/here");
        Assert.Equal("* ran", await bob.ReadLineAsync(Patience));
        Assert.StartsWith("epoll-", await _inlineRan.Task.WaitAsync(Patience));

        // Alice's command is held on a pool thread; her next line waits for it.
        await alice.SendAsync("/block\r\nafter");
        string? blockThread = await _blockEntered.Task.WaitAsync(Patience);
        Assert.False(blockThread?.StartsWith("epoll-", StringComparison.Ordinal) ?? false, $"ran on {blockThread}");

        // Meanwhile the one event loop serves Bob: a command and a message to the room.
        await bob.SendAsync("/nick bob");
        Assert.Equal("* you are now known as bob", await bob.ReadLineAsync(Patience));
        Assert.Equal("* guest-2 is now known as bob", await alice.ReadLineAsync(Patience));
        await bob.SendAsync("still here");
        Assert.Equal("<bob> still here", await alice.ReadLineAsync(Patience));
        Assert.False(_release.Task.IsCompleted);

        _release.SetResult();
        Assert.Equal("* unblocked", await alice.ReadLineAsync(Patience));
        Assert.Equal("<guest-1> after", await bob.ReadLineAsync(Patience));
    }
}
