using System.Diagnostics;
using ChatDaemon.CommandLine;
using ChatDaemon.Daemon;
using Xunit;

namespace ChatDaemon.Tests.Daemon;

/// <summary>status/stop against a real process holding the PID file lock (flock(1) in a shell).</summary>
public sealed class DaemonControlTests : IDisposable
{
    private readonly ChildProcesses _children = new();

    private async Task<(int ExitCode, string Output, string Error)> RunVerbAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var line = CommandLineArguments.Parse([.. args, "--pid-file", _children.PidFile]);
        var code = await DaemonControl.RunAsync(line, output, error, ("/bin/false", []));
        return (code, output.ToString().Trim(), error.ToString().Trim());
    }

    [Fact]
    public async Task Status_of_a_running_daemon_is_0_with_its_pid()
    {
        var holder = await _children.StartLockHolderAsync(_children.PidFile);

        var (code, output, _) = await RunVerbAsync("status");

        Assert.Equal(0, code);
        Assert.Equal($"chatdaemon is running (pid {holder.Id})", output);
    }

    [Fact]
    public async Task Status_of_a_dead_daemon_whose_pid_file_remains_is_1()
    {
        var holder = await _children.StartLockHolderAsync(_children.PidFile);
        holder.Kill();
        await holder.WaitForExitAsync();

        var (code, output, _) = await RunVerbAsync("status");

        Assert.Equal(1, code);
        Assert.Contains($"not running, but PID file {_children.PidFile} remains (pid {holder.Id})", output);
    }

    [Fact]
    public async Task Status_is_decided_by_the_lock_not_by_a_live_pid_in_the_file()
    {
        // Our own pid is certainly alive, but nobody holds the lock: kill(pid, 0) would be fooled.
        await File.WriteAllTextAsync(_children.PidFile, $"{Environment.ProcessId}\n");

        var (code, _, _) = await RunVerbAsync("status");

        Assert.Equal(1, code);
    }

    [Fact]
    public async Task Status_without_a_pid_file_is_3()
    {
        var (code, output, _) = await RunVerbAsync("status");

        Assert.Equal(3, code);
        Assert.Equal("chatdaemon is not running", output);
    }

    [Fact]
    public async Task Status_of_an_empty_unlocked_pid_file_left_after_a_privilege_drop_is_3()
    {
        await File.WriteAllTextAsync(_children.PidFile, "");

        Assert.Equal(3, (await RunVerbAsync("status")).ExitCode);
    }

    [Fact]
    public async Task Status_that_cannot_be_determined_is_4()
    {
        var output = new StringWriter();
        var line = CommandLineArguments.Parse(["status", "--pid-file", "/etc/hostname/chatdaemon.pid"]);

        var code = await DaemonControl.RunAsync(line, output, new StringWriter(), ("/bin/false", []));

        Assert.Equal(4, code);
        Assert.Contains("unknown", output.ToString());
    }

    [Fact]
    public async Task Stop_sends_sigterm_and_returns_only_after_the_daemon_exited()
    {
        var holder = await _children.StartLockHolderAsync(_children.PidFile);

        var (code, output, _) = await RunVerbAsync("stop", "--timeout", "10");

        Assert.Equal(0, code);
        Assert.Equal($"chatdaemon stopped (pid {holder.Id})", output);
        // The kernel drops the lock in do_exit() a moment before the task turns into a zombie; the
        // process is exiting, not running, when stop returns.
        var exiting = ChildProcesses.ProcStatus(holder.Id, "State");
        Assert.True(exiting is "" || exiting.StartsWith('Z') || holder.WaitForExit(1000), $"stop returned while the daemon was {exiting}");
        Assert.True(holder.WaitForExit(5000));
        Assert.Equal(128 + 15, holder.ExitCode); // the sleep died of SIGTERM
    }

    [Fact]
    public async Task Stop_of_a_stopped_daemon_succeeds_and_says_so()
    {
        var (code, output, _) = await RunVerbAsync("stop");

        Assert.Equal(0, code);
        Assert.Equal("chatdaemon is not running", output);
    }

    [Fact]
    public async Task Stop_never_signals_the_pid_of_a_stale_file()
    {
        var bystander = _children.Start("/bin/sleep", "300");
        await File.WriteAllTextAsync(_children.PidFile, $"{bystander.Id}\n");

        var (code, output, _) = await RunVerbAsync("stop");

        Assert.Equal(0, code);
        Assert.Equal("chatdaemon is not running", output);
        Assert.False(bystander.WaitForExit(300), "a process that merely reused the pid was signalled");
    }

    [Fact]
    public async Task Stop_that_times_out_fails_and_leaves_the_daemon_running()
    {
        var holder = await _children.StartLockHolderAsync(_children.PidFile, ignoreSigterm: true);
        var clock = Stopwatch.StartNew();

        var (code, _, error) = await RunVerbAsync("stop", "--timeout", "1");

        Assert.Equal(1, code);
        Assert.Contains($"pid {holder.Id} did not stop within 1 s", error);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.False(holder.HasExited);
    }

    [Fact]
    public async Task Control_actions_wait_for_the_guard_lock()
    {
        var guard = _children.Start("/bin/sh", "-c", "exec 9>>\"$1\"; flock -n 9 || exit 9; echo locked; exec sleep 300", "sh", _children.PidFile + ".lock");
        Assert.Equal("locked", await guard.StandardOutput.ReadLineAsync());

        var (code, _, error) = await RunVerbAsync("stop", "--timeout", "0.5");

        Assert.Equal(1, code);
        Assert.Contains("another control command holds", error);
    }

    public void Dispose() => _children.Dispose();
}
