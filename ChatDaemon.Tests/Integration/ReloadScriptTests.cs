using System.Diagnostics;
using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// deploy/chatdaemon-reload (the unit's ExecReload=) against a stand-in daemon: a sh process that keeps
/// the reload state the way the daemon does and, on SIGHUP, runs what the test scripted. The real daemon
/// with the script under systemd is covered by SystemdIntegration.
/// </summary>
public sealed class ReloadScriptTests : IDisposable
{
    // `state "STARTED COMPLETED RESULT [REASON]"` replaces the state file atomically, as the daemon does.
    // A SIGHUP is counted before it is handled: the script may return as soon as the handler wrote its
    // answer, and counting after that raced with the test's check.
    private const string StandInDaemon = """
        dir=$1
        state() { printf '%s %s\n' "$$" "$1" > "$dir/reload-state.new" && mv "$dir/reload-state.new" "$dir/reload-state"; }
        trap 'echo hup >> "$dir/signals"; . "$dir/on-hup"' HUP
        . "$dir/at-start"
        echo ready
        while :; do sleep 1 & wait $!; done
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("chatdaemon-reload-script-").FullName;
    private readonly List<ChildProcess> _processes = [];

    private static string Script => Path.Combine(RepositoryRoot(), "deploy", "chatdaemon-reload");

    private async Task<ChildProcess> StartDaemonAsync(string atStart, string onHangup)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "at-start"), atStart + "\n");
        await File.WriteAllTextAsync(Path.Combine(_directory, "on-hup"), onHangup + "\n");
        var daemon = new ChildProcess("sh", ["-c", StandInDaemon, "stand-in", _directory]);
        _processes.Add(daemon);
        await daemon.WaitForOutputLineAsync(line => line == "ready", TimeSpan.FromSeconds(10));
        return daemon;
    }

    /// <param name="mainPid">$MAINPID as systemd sets it for ExecReload=; null: run by hand.</param>
    private async Task<(int ExitCode, string Errors)> ReloadAsync(int? mainPid)
    {
        var start = ChildProcess.RedirectedStartInfo("sh", [Script]);
        start.Environment["RUNTIME_DIRECTORY"] = _directory;
        start.Environment.Remove("MAINPID");
        if (mainPid is int pid)
        {
            start.Environment["MAINPID"] = pid.ToString();
        }

        start.Environment["CHATDAEMON_RELOAD_TIMEOUT_MS"] = "10000";
        using var reload = Process.Start(start)!;
        try
        {
            Task<string> errors = reload.StandardError.ReadToEndAsync();
            await reload.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            return (reload.ExitCode, await errors);
        }
        finally
        {
            ChildProcess.KillIfRunning(reload);
        }
    }

    private int SignalsReceived()
    {
        string path = Path.Combine(_directory, "signals");
        return File.Exists(path) ? File.ReadAllLines(path).Length : 0;
    }

    [Fact]
    public async Task An_applied_reload_exits_zero_once_the_daemon_completed_it()
    {
        var daemon = await StartDaemonAsync("""state "0 0 none" """, """state "1 0 none"; sleep 0.2; state "1 1 applied" """);

        var stopwatch = Stopwatch.StartNew();
        var (exitCode, errors) = await ReloadAsync(daemon.Id);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(1, SignalsReceived());
        Assert.True(stopwatch.ElapsedMilliseconds >= 200, $"returned after {stopwatch.ElapsedMilliseconds} ms, before the reload completed");
    }

    [Fact]
    public async Task A_rejected_reload_exits_one_with_the_daemons_reason()
    {
        var daemon = await StartDaemonAsync("""state "3 3 applied" """, """state "4 3 applied"; state "4 4 rejected Limits:MaxLineBytes: -5 is out of range" """);

        var (exitCode, errors) = await ReloadAsync(daemon.Id);

        Assert.Equal(1, exitCode);
        Assert.Contains("Limits:MaxLineBytes: -5 is out of range", errors);
    }

    [Fact]
    public async Task A_request_made_while_a_reload_runs_is_answered_by_the_next_reload_not_by_the_running_one()
    {
        // Reload 1 runs when the request reads the state; it ends applied, then reload 2 (the one that read
        // the files after the request) is rejected: the request's answer is reload 2's.
        var daemon = await StartDaemonAsync("""state "1 0 none" """,
            """state "1 1 applied"; sleep 0.2; state "2 1 applied"; sleep 0.1; state "2 2 rejected the newer file is invalid" """);

        var (exitCode, errors) = await ReloadAsync(daemon.Id);

        Assert.Equal(1, exitCode);
        Assert.Contains("the newer file is invalid", errors);
    }

    [Fact]
    public async Task A_state_left_by_another_process_fails_without_signalling_anyone()
    {
        var daemon = await StartDaemonAsync("""state "0 0 none" """, """state "1 1 applied" """);

        var (exitCode, errors) = await ReloadAsync(daemon.Id + 1_000_000);

        Assert.Equal(1, exitCode);
        Assert.Contains("not to the main process", errors);
        Assert.Equal(0, SignalsReceived());
    }

    [Fact]
    public async Task Run_by_hand_it_does_not_signal_a_process_that_is_not_chatdaemon()
    {
        // The stand-in is `sh`: to a reload by hand it looks like a pid the dead daemon left behind.
        await StartDaemonAsync("""state "0 0 none" """, """state "1 1 applied" """);

        var (exitCode, errors) = await ReloadAsync(mainPid: null);

        Assert.Equal(1, exitCode);
        Assert.Contains("no chatdaemon process", errors);
        Assert.Equal(0, SignalsReceived());
    }

    [Fact]
    public async Task A_daemon_that_dies_during_the_reload_fails_it_instead_of_hanging()
    {
        var daemon = await StartDaemonAsync("""state "0 0 none" """, """state "1 0 none"; exit 3""");

        var (exitCode, errors) = await ReloadAsync(daemon.Id);

        Assert.Equal(1, exitCode);
        Assert.Contains("exited during the reload", errors);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatDaemon.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("ChatDaemon.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
