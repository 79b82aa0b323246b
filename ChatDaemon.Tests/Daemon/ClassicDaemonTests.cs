using System.Net;
using System.Net.Sockets;
using ChatDaemon.CommandLine;
using ChatDaemon.Daemon;
using ChatDaemon.Interop;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Daemon;

/// <summary>
/// End to end: the real chatdaemon started with --daemon and controlled with status/stop/reload/restart,
/// observed from outside through /proc, the PID file and its TCP port.
/// </summary>
public sealed class ClassicDaemonTests : IDisposable
{
    private const string Motd = "first motd";
    private readonly ChildProcesses _children = new();
    private readonly int _port = ChildProcesses.FreePort();

    public ClassicDaemonTests() => WriteConfig(Motd, "lobby");

    private string ConfigPath => Path.Combine(_children.Directory, "chatdaemon.json");

    private string PidFile => _children.PidFile;

    private void WriteConfig(string motd, string defaultRoom) =>
        File.WriteAllText(ConfigPath, $$"""{ "Chat": { "Motd": "{{motd}}", "DefaultRoom": "{{defaultRoom}}" } }""");

    private string[] DaemonArguments(int? port = null, params string[] extra) =>
        ["--daemon", "--pid-file", PidFile, "--config", ConfigPath, "--listen", $"chat=127.0.0.1:{port ?? _port}", "--timeout", "30", .. extra];

    /// <summary>Starts the daemon and registers its pid for cleanup.</summary>
    private async Task<(int ExitCode, string Error, int Pid)> StartDaemonAsync(params string[] args)
    {
        var (code, _, error) = await ChildProcesses.RunChatdaemonAsync(args.Length > 0 ? args : DaemonArguments());
        var pid = int.TryParse(ChildProcesses.ReadWithoutLocking(PidFile)?.Trim(), out var p) ? p : 0;
        if (code == 0 && pid > 0)
            _children.Track(pid);
        return (code, error, pid);
    }

    private Task<(int ExitCode, string Output, string Error)> VerbAsync(string verb, params string[] extra) =>
        ChildProcesses.RunChatdaemonAsync([verb, "--pid-file", PidFile, .. extra]);

    private static async Task<List<string>> GreetingAsync(int port)
    {
        await using var client = await LineClient.ConnectAsync(port, readGreeting: false);
        var lines = new List<string>();
        while (lines.Count < 2 && await client.TryReadLineAsync(TimeSpan.FromSeconds(10)) is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    [Fact]
    public async Task Detach_exits_0_only_after_the_port_answers()
    {
        var (code, error, pid) = await StartDaemonAsync();

        Assert.True(code == 0, error);
        // No retry: the parent's exit is the readiness signal.
        Assert.Contains($"* {Motd}", await GreetingAsync(_port));
        Assert.NotEqual(Environment.ProcessId, pid);
    }

    [Fact]
    public async Task The_daemon_is_a_session_leader_without_terminal_in_root_with_umask_022_and_null_stdio()
    {
        // A descriptor the invoking shell leaks must not reach the daemon.
        var leak = Path.Combine(_children.Directory, "leaked");
        await File.WriteAllTextAsync(leak, "");
        var shell = await ChildProcesses.RunAsync("/bin/sh",
            ["-c", "exec 7<\"$1\"; shift; exec \"$@\"", "sh", leak, ChildProcesses.Chatdaemon, .. DaemonArguments()]);
        Assert.True(shell.ExitCode == 0, shell.Error);
        var pid = int.Parse(ChildProcesses.ReadWithoutLocking(PidFile)!.Trim());
        _children.Track(pid);

        var stat = ChildProcesses.ProcStat(pid);
        Assert.Equal(pid.ToString(), stat[3]); // session id
        Assert.Equal(pid.ToString(), stat[2]); // process group
        Assert.Equal("0", stat[4]); // tty_nr: no controlling terminal
        Assert.Equal("/", new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget);
        Assert.Equal("0022", ChildProcesses.ProcStatus(pid, "Umask"));
        foreach (var fd in new[] { 0, 1, 2 })
            Assert.Equal("/dev/null", new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget);
        var targets = Directory.GetFiles($"/proc/{pid}/fd").Select(fd => new FileInfo(fd).LinkTarget).ToList();
        Assert.DoesNotContain(leak, targets);
        Assert.DoesNotContain(targets, t => t is not null && t.StartsWith("pipe:", StringComparison.Ordinal) && IsPipeToParent(t));
        Assert.Equal($"{pid}\n", ChildProcesses.ReadWithoutLocking(PidFile));
        Assert.Equal(new PidFileState(PidFileStatus.Running, pid), ChatDaemon.Daemon.PidFile.Probe(PidFile));
        // The PID file descriptor is close-on-exec (fdinfo "flags" are octal open(2) flags; O_CLOEXEC is 02000000).
        var pidFd = Directory.GetFiles($"/proc/{pid}/fd").Single(fd => new FileInfo(fd).LinkTarget == PidFile);
        var flags = File.ReadAllLines($"/proc/{pid}/fdinfo/{Path.GetFileName(pidFd)}").Single(l => l.StartsWith("flags:"))[6..].Trim();
        Assert.NotEqual(0, Convert.ToInt32(flags, 8) & 0x80000);
    }

    [Fact]
    public async Task Detach_also_works_under_the_dotnet_muxer()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "chatdaemon.dll");
        var muxer = Environment.ProcessPath!; // the test host runs under the same dotnet
        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(muxer));

        var (code, _, error) = await ChildProcesses.RunAsync(muxer, [dll, .. DaemonArguments()]);

        Assert.True(code == 0, error);
        var pid = int.Parse(ChildProcesses.ReadWithoutLocking(PidFile)!.Trim());
        _children.Track(pid);
        Assert.Equal([muxer, dll, .. DaemonArguments()], DaemonControl.ReadCommandLine(pid));
        Assert.Contains($"* {Motd}", await GreetingAsync(_port));
    }

    // The parent's stdout/stderr pipes: any pipe of the daemon that some other process also holds
    // (its own internal pipes are held only by itself).
    private static bool IsPipeToParent(string pipe) =>
        Directory.EnumerateDirectories("/proc").Count(process =>
        {
            try
            {
                return Directory.GetFiles(Path.Combine(process, "fd")).Any(fd => new FileInfo(fd).LinkTarget == pipe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }) > 1;

    [Fact]
    public async Task The_umask_option_is_applied()
    {
        var (code, error, pid) = await StartDaemonAsync(DaemonArguments(null, "--umask", "027"));

        Assert.True(code == 0, error);
        Assert.Equal("0027", ChildProcesses.ProcStatus(pid, "Umask"));
    }

    [Fact]
    public async Task A_second_instance_is_refused_with_the_running_pid()
    {
        var first = await StartDaemonAsync();
        Assert.Equal(0, first.ExitCode);

        var (code, _, error) = await ChildProcesses.RunChatdaemonAsync(DaemonArguments(ChildProcesses.FreePort()));

        Assert.Equal(1, code);
        Assert.Equal($"chatdaemon: already running (pid {first.Pid})", error.Trim());
        Assert.True(ChildProcesses.IsAlive(first.Pid));
    }

    [Fact]
    public async Task Status_codes_follow_the_daemon_through_running_stopped_and_killed()
    {
        Assert.Equal(3, (await VerbAsync("status")).ExitCode);

        var (_, _, pid) = await StartDaemonAsync();
        var running = await VerbAsync("status");
        Assert.Equal(0, running.ExitCode);
        Assert.StartsWith($"chatdaemon is running: pid {pid}, up ", running.Output);
        Assert.Contains("0 clients in 0 rooms", running.Output);

        Assert.Equal(0, (await VerbAsync("stop")).ExitCode);
        Assert.Equal(3, (await VerbAsync("status")).ExitCode);
        Assert.False(File.Exists(PidFile));

        var (_, _, second) = await StartDaemonAsync();
        LibC.kill(second, LibC.SIGKILL);
        await WaitUntilAsync(() => !ChildProcesses.IsAlive(second));
        var stale = await VerbAsync("status");
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains($"(pid {second})", stale.Output);
    }

    [Fact]
    public async Task Stop_returns_after_the_daemon_exited_and_removed_its_pid_file()
    {
        var (_, _, pid) = await StartDaemonAsync();

        var (code, output, _) = await VerbAsync("stop", "--timeout", "20");

        Assert.Equal(0, code);
        Assert.Equal($"chatdaemon stopped (pid {pid})", output.Trim());
        Assert.False(File.Exists(PidFile));
        // Unlocked is the moment the process closes its last descriptors; it is gone or a zombie now.
        await WaitUntilAsync(() => !ChildProcesses.IsAlive(pid), TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<SocketException>(() => GreetingAsync(_port));
        Assert.Equal("chatdaemon is not running", (await VerbAsync("stop")).Output.Trim());
    }

    [Fact]
    public async Task Reload_applies_a_valid_file_and_rejects_an_invalid_one()
    {
        var (_, _, pid) = await StartDaemonAsync();

        WriteConfig("second motd", "lobby");
        var applied = await VerbAsync("reload");
        Assert.Equal(0, applied.ExitCode);
        Assert.Contains("* second motd", await GreetingAsync(_port));

        WriteConfig("third motd", "not a room!");
        var rejected = await VerbAsync("reload");
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("reload rejected:", rejected.Error);
        Assert.Contains("Chat:DefaultRoom", rejected.Error);
        Assert.Contains("* second motd", await GreetingAsync(_port));
        Assert.Equal(new PidFileState(PidFileStatus.Running, pid), ChatDaemon.Daemon.PidFile.Probe(PidFile));
    }

    [Fact]
    public async Task Restart_re_executes_with_the_same_arguments_pid_and_starting_directory()
    {
        // Started from the test directory with a relative --config: the daemon itself runs in "/".
        var (code, _, error) = await ChildProcesses.RunAsync("/bin/sh",
            ["-c", "cd \"$1\"; shift; exec \"$@\"", "sh", _children.Directory, ChildProcesses.Chatdaemon,
             "--daemon", "--pid-file", PidFile, "--config", "chatdaemon.json", "--listen", $"chat=127.0.0.1:{_port}"]);
        Assert.True(code == 0, error);
        var before = int.Parse(ChildProcesses.ReadWithoutLocking(PidFile)!.Trim());
        _children.Track(before);
        var arguments = DaemonControl.ReadCommandLine(before);

        var restart = await ChildProcesses.RunAsync(ChildProcesses.Chatdaemon, ["restart", "--pid-file", PidFile]);

        Assert.True(restart.ExitCode == 0, restart.Error);
        var after = int.Parse(ChildProcesses.ReadWithoutLocking(PidFile)!.Trim());
        _children.Track(after);
        // The daemon re-executed itself (ClassicRestartTests): same process, same command line, and the
        // relative --config still found from "/".
        Assert.Equal(before, after);
        Assert.Contains("every connection kept", restart.Output);
        Assert.Equal(arguments, DaemonControl.ReadCommandLine(after));
        Assert.Contains("* first motd", await GreetingAsync(_port));
    }

    [Fact]
    public async Task Privileges_drop_to_nobody_after_binding_a_port_below_1024()
    {
        Assert.True(LibC.geteuid() == 0, "the daemon tests run as root (as CI does)");
        var port = ChildProcesses.FreePort(600, 1000);
        // The dropped daemon re-reads its configuration on reload: nobody must be able to reach it.
        Assert.Equal(0, LibC.chmod(_children.Directory, 0x1ED)); // 0755

        var (code, error, pid) = await StartDaemonAsync(DaemonArguments(port, "--user", "nobody"));

        Assert.True(code == 0, error);
        Assert.Contains($"* {Motd}", await GreetingAsync(port));
        var nobody = PrivilegeDrop.ResolveUser("nobody");
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            var tid = int.Parse(Path.GetFileName(task));
            var status = File.ReadAllLines(Path.Combine(task, "status"));
            Assert.Contains($"Uid:\t{nobody.Uid}\t{nobody.Uid}\t{nobody.Uid}\t{nobody.Uid}", status);
            Assert.Contains($"Gid:\t{nobody.Gid}\t{nobody.Gid}\t{nobody.Gid}\t{nobody.Gid}", status);
            Assert.Contains(status, line => line.StartsWith("Groups:", StringComparison.Ordinal) && line[7..].Trim() == nobody.Gid.ToString());
            Assert.True(tid > 0);
        }

        // Control still works: the PID file and control socket were opened as root before the drop.
        Assert.Equal(0, (await VerbAsync("reload")).ExitCode);
        Assert.Equal(0, (await VerbAsync("stop")).ExitCode);
        Assert.Equal(3, (await VerbAsync("status")).ExitCode);
    }

    [Fact]
    public async Task An_unknown_user_is_a_startup_failure_the_parent_reports()
    {
        var (code, error, _) = await StartDaemonAsync(DaemonArguments(null, "--user", "no-such-user-here"));

        Assert.Equal(ExitCodes.Config, code);
        Assert.Equal("chatdaemon: unknown user 'no-such-user-here'", error.Trim());
        Assert.NotEqual(PidFileStatus.Running, ChatDaemon.Daemon.PidFile.Probe(PidFile).Status);
    }

    [Fact]
    public async Task A_port_in_use_is_a_startup_failure_the_parent_reports_with_the_childs_exit_code()
    {
        using var taken = new TcpListener(IPAddress.Loopback, _port);
        taken.Start();

        var (code, error, _) = await StartDaemonAsync();

        Assert.NotEqual(0, code);
        Assert.Contains($"daemon exited with status {code} before it was ready", error);
        Assert.Contains($"127.0.0.1:{_port}", error);
        Assert.NotEqual(PidFileStatus.Running, ChatDaemon.Daemon.PidFile.Probe(PidFile).Status);
    }

    [Fact]
    public async Task A_daemon_not_ready_within_the_timeout_is_stopped_and_reported()
    {
        // No .NET process starts in 10 ms, so the parent gives up every time.
        var (code, error, _) = await StartDaemonAsync([.. DaemonArguments(), "--timeout", "0.01"]);

        Assert.Equal(1, code);
        Assert.Contains("was not ready within 0.01 s; stopping it", error);
        await WaitUntilAsync(() => !Directory.EnumerateDirectories("/proc").Any(process => CommandLineMentions(process, PidFile)));
        Assert.NotEqual(PidFileStatus.Running, ChatDaemon.Daemon.PidFile.Probe(PidFile).Status);
    }

    private static bool CommandLineMentions(string process, string text)
    {
        try
        {
            return File.ReadAllText(Path.Combine(process, "cmdline")).Contains(text) && ChildProcesses.IsAlive(int.Parse(Path.GetFileName(process)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("condition not reached");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _children.Dispose();
}
