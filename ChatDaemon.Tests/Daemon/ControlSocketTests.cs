using System.Net.Sockets;
using ChatDaemon.CommandLine;
using ChatDaemon.Configuration;
using ChatDaemon.Control;
using ChatDaemon.Daemon;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChatDaemon.Tests.Daemon;

public sealed class ControlSocketTests : IAsyncLifetime
{
    private readonly ChildProcesses _children = new();
    private readonly ScriptedReloader _reloader = new();
    private ControlSocketService? _service;

    private string SocketPath => Path.Combine(_children.Directory, "control.sock");

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task<ControlSocketService> StartServiceAsync()
    {
        _service = new ControlSocketService(_reloader, Options.Create(new ControlSocketOptions { Path = SocketPath }), NullLogger<ControlSocketService>.Instance);
        await _service.StartAsync(CancellationToken.None);
        return _service;
    }

    private async Task<(int ExitCode, string Output, string Error)> ReloadVerbAsync()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var line = CommandLineArguments.Parse(["reload", "--control-socket", SocketPath, "--pid-file", _children.PidFile, "--timeout", "10"]);
        var code = await DaemonControl.RunAsync(line, output, error, ("/bin/false", []));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Reload_answers_ok_after_the_reloader_applied_and_the_verb_exits_0()
    {
        await StartServiceAsync();
        _reloader.Next = ReloadOutcome.Success;

        var (code, output, _) = await ReloadVerbAsync();

        Assert.Equal(0, code);
        Assert.Contains("reloaded", output);
        Assert.Equal(1, _reloader.Calls);
    }

    [Fact]
    public async Task A_rejected_reload_answers_the_reason_and_the_verb_fails()
    {
        await StartServiceAsync();
        _reloader.Next = ReloadOutcome.Rejected("Chat:MaxClients must be positive\nsecond line");

        var reply = await ControlSocketClient.SendAsync(SocketPath, "reload", TimeSpan.FromSeconds(10));
        var (code, _, error) = await ReloadVerbAsync();

        Assert.Equal(new ControlReply(true, false, "Chat:MaxClients must be positive second line"), reply);
        Assert.Equal(1, code);
        Assert.Contains("reload rejected: Chat:MaxClients must be positive", error);
    }

    [Fact]
    public async Task A_rejection_reason_longer_than_one_read_arrives_whole()
    {
        await StartServiceAsync();
        string reason = "Listen: 'chat=" + new string('a', 20_000) + "': expected HOST:PORT";
        _reloader.Next = ReloadOutcome.Rejected(reason);

        var reply = await ControlSocketClient.SendAsync(SocketPath, "reload", TimeSpan.FromSeconds(10));

        Assert.Equal(new ControlReply(true, false, reason), reply);
    }

    [Fact]
    public async Task The_answer_waits_for_the_reload_to_finish()
    {
        await StartServiceAsync();
        var gate = new TaskCompletionSource<ReloadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reloader.Pending = gate.Task;

        var reply = ControlSocketClient.SendAsync(SocketPath, "reload", TimeSpan.FromSeconds(10));
        await _reloader.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // A status asked after the reload began is answered while the reload is held: the service is answering,
        // and the reload's answer, which was due first if it did not wait, has still not come.
        var status = await ControlSocketClient.SendAsync(SocketPath, "status", TimeSpan.FromSeconds(10));
        Assert.True(status.Ok, status.Text);
        Assert.False(reply.IsCompleted, "the reload was answered before it finished");
        gate.SetResult(ReloadOutcome.Success);

        Assert.True((await reply).Ok);
    }

    [Fact]
    public async Task Concurrent_clients_are_each_answered()
    {
        await StartServiceAsync();
        _reloader.Delay = TimeSpan.FromMilliseconds(200);

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            ControlSocketClient.SendAsync(SocketPath, i % 2 == 0 ? "reload" : "status", TimeSpan.FromSeconds(20))));

        Assert.All(replies, reply => Assert.True(reply.Ok, reply.Text));
        Assert.Equal(4, _reloader.Calls);
        Assert.True(_reloader.MaxConcurrent > 1, "clients were served one after the other");
        Assert.All(replies.Where((_, i) => i % 2 == 1), reply => Assert.StartsWith($"pid {Environment.ProcessId}, up ", reply.Text));
    }

    [Fact]
    public async Task The_socket_is_only_accessible_to_its_owner()
    {
        await StartServiceAsync();

        Assert.Equal("600", (await ChildProcesses.RunAsync("/usr/bin/stat", ["-c", "%a", SocketPath])).Output.Trim());
    }

    [Fact]
    public async Task An_unknown_command_is_answered_with_an_error()
    {
        await StartServiceAsync();

        var reply = await ControlSocketClient.SendAsync(SocketPath, "restart-everything", TimeSpan.FromSeconds(10));

        Assert.True(reply.Reachable);
        Assert.False(reply.Ok);
        Assert.Contains("unknown command", reply.Text);
    }

    [Fact]
    public async Task A_stale_socket_file_nobody_listens_on_is_replaced()
    {
        // A leftover socket file: .NET unlinks what a Socket bound when it is disposed, so keep a
        // hard link to the bound file, as a daemon killed with SIGKILL would leave it.
        var bound = SocketPath + ".tmp";
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(bound));
            Assert.Equal(0, (await ChildProcesses.RunAsync("/bin/ln", [bound, SocketPath])).ExitCode);
        }

        Assert.True(File.Exists(SocketPath));

        await StartServiceAsync();

        Assert.True((await ControlSocketClient.SendAsync(SocketPath, "status", TimeSpan.FromSeconds(10))).Ok);
    }

    [Fact]
    public async Task A_socket_another_daemon_listens_on_is_not_taken_over()
    {
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(SocketPath));
        other.Listen();

        var refused = await Assert.ThrowsAsync<StartupException>(StartServiceAsync);

        Assert.Contains("another daemon is listening", refused.Message);
        Assert.True(File.Exists(SocketPath));
    }

    [Fact]
    public async Task Stop_removes_the_socket_file()
    {
        var service = await StartServiceAsync();

        await service.StopAsync(CancellationToken.None);

        Assert.False(File.Exists(SocketPath));
    }

    [Fact]
    public async Task Reload_of_an_unreachable_daemon_fails_with_the_lsb_not_running_code()
    {
        var (code, _, error) = await ReloadVerbAsync();

        Assert.Equal(ExitCodes.NotRunning, code);
        Assert.Contains("cannot connect", error);
    }

    [Fact]
    public async Task Status_without_a_pid_file_asks_the_control_socket_as_under_systemd()
    {
        var output = new StringWriter();
        var line = CommandLineArguments.Parse(["status", "--control-socket", SocketPath, "--pid-file", _children.PidFile]);
        Assert.Equal(3, await DaemonControl.RunAsync(line, output, new StringWriter(), ("/bin/false", [])));
        await StartServiceAsync();

        var code = await DaemonControl.RunAsync(line, output, new StringWriter(), ("/bin/false", []));

        Assert.Equal(0, code);
        Assert.Contains($"chatdaemon is running: pid {Environment.ProcessId}, up ", output.ToString());
    }

    [Fact]
    public void The_path_follows_runtime_directory_then_the_pid_file()
    {
        Assert.Equal("/x/c.sock", ControlSocketPath.Resolve("/x/c.sock", "/run/chatdaemon.pid", "/run/chatdaemon"));
        Assert.Equal("/run/chatdaemon/control.sock", ControlSocketPath.Resolve(null, "/run/chatdaemon.pid", "/run/chatdaemon:/run/other"));
        Assert.Equal("/run/chatdaemon.ctl", ControlSocketPath.Resolve(null, "/run/chatdaemon.pid", null));
        Assert.Null(ControlSocketPath.Resolve(null, null, null));
    }

    [Fact]
    public void A_command_about_a_named_pid_file_never_answers_for_the_systemd_service()
    {
        // Where the shipped unit's socket exists (a systemd service runs on this host).
        string directory = Directory.CreateTempSubdirectory("chatdaemon-unit-").FullName;
        try
        {
            string unitSocket = Path.Combine(directory, "control.sock");
            File.WriteAllText(unitSocket, "");
            string pidFile = Path.Combine(directory, "d.pid");

            Assert.Equal(Path.Combine(directory, "d.ctl"), ControlSocketPath.ForClient(null, pidFile, pidFileNamed: true, unitSocket));
            // Nothing named: a client started by hand on a systemd host finds the service.
            Assert.Equal(unitSocket, ControlSocketPath.ForClient(null, pidFile, pidFileNamed: false, unitSocket));
            Assert.Equal("/x/c.sock", ControlSocketPath.ForClient("/x/c.sock", pidFile, pidFileNamed: false, unitSocket));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
            await _service.DisposeAsync();
        _children.Dispose();
    }

    private sealed class ScriptedReloader : IConfigurationReloader
    {
        private int _running;
        private int _calls;
        private int _maxConcurrent;

        public ReloadOutcome Next { get; set; } = ReloadOutcome.Success;

        public Task<ReloadOutcome>? Pending { get; set; }

        /// <summary>Completes when a reload begins.</summary>
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TimeSpan Delay { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

        public async Task<ReloadOutcome> ReloadAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            Started.TrySetResult();
            var running = Interlocked.Increment(ref _running);
            int seen;
            while ((seen = Volatile.Read(ref _maxConcurrent)) < running && Interlocked.CompareExchange(ref _maxConcurrent, running, seen) != seen)
            {
            }

            try
            {
                if (Delay > TimeSpan.Zero)
                    await Task.Delay(Delay, cancellationToken);
                return Pending is { } pending ? await pending : Next;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
