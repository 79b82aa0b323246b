using ChatDaemon.CommandLine;
using ChatDaemon.Daemon;
using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Daemon;

/// <summary>
/// End to end: a classic daemon (no systemd) restarted and upgraded by re-execution keeps every client, with its
/// nick, room and half-sent line, and the same pid and PID file; what cannot work is refused before anyone is
/// disconnected.
/// </summary>
public sealed class ClassicRestartTests : IDisposable
{
    private readonly ChildProcesses _children = new();
    private readonly int _port = ChildProcesses.FreePort();

    public ClassicRestartTests() => WriteConfig("""{ "Chat": { "Motd": "before" } }""");

    private string ConfigPath => Path.Combine(_children.Directory, "chatdaemon.json");

    private string PidFile => _children.PidFile;

    private void WriteConfig(string json) => File.WriteAllText(ConfigPath, json);

    private async Task<int> StartAsync(params string[] extra)
    {
        var (code, _, error) = await ChildProcesses.RunChatdaemonAsync(
            ["--daemon", "--pid-file", PidFile, "--config", ConfigPath, "--listen", $"chat=127.0.0.1:{_port}", "--timeout", "30", .. extra]);
        Assert.True(code == 0, error);
        int pid = int.Parse(ChildProcesses.ReadWithoutLocking(PidFile)!.Trim());
        _children.Track(pid);
        return pid;
    }

    private Task<(int ExitCode, string Output, string Error)> VerbAsync(string verb) =>
        ChildProcesses.RunChatdaemonAsync([verb, "--pid-file", PidFile, "--timeout", "30"]);

    [Fact]
    public async Task Restart_keeps_every_client_with_its_nick_room_and_half_sent_line_in_the_same_process()
    {
        int pid = await StartAsync();
        await using var alice = await (await LineClient.ConnectAsync(_port)).WithNickAsync("alice");
        await using var bob = await (await LineClient.ConnectAsync(_port)).WithNickAsync("bob");
        await alice.ReadUntilAsync(l => l == "* guest-2 is now known as bob" || l.EndsWith("is now known as bob", StringComparison.Ordinal));
        // One after the other, so that each knows what it will read.
        await alice.SendAsync("/join den");
        await alice.ReadUntilAsync(l => l.StartsWith("* you are now in den", StringComparison.Ordinal));
        await bob.SendAsync("/join den");
        await bob.ReadUntilAsync(l => l.StartsWith("* you are now in den", StringComparison.Ordinal));
        await alice.ReadUntilAsync(l => l == "* bob joined den");
        await alice.SendRawAsync("half a li"u8.ToArray());

        var restart = await VerbAsync("restart");

        Assert.True(restart.ExitCode == 0, restart.Error);
        Assert.Contains($"restarted (pid {pid}); every connection kept", restart.Output);
        Assert.True(ChildProcesses.IsAlive(pid));
        Assert.Equal(pid, int.Parse(ChildProcesses.ReadWithoutLocking(PidFile)!.Trim()));
        Assert.Equal("* server restarted", await alice.ReadLineAsync());
        Assert.Equal("* server restarted", await bob.ReadLineAsync());

        await alice.SendAsync("ne after");
        Assert.Equal("<alice> half a line after", await bob.ReadLineAsync());
        await bob.SendAsync("/who");
        Assert.Equal("* in den: alice, bob", await bob.ReadLineAsync());
        await alice.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Upgrade_keeps_clients_and_each_handover_counts_one_generation()
    {
        int pid = await StartAsync();
        await using var carol = await (await LineClient.ConnectAsync(_port)).WithNickAsync("carol");

        var first = await VerbAsync("upgrade");
        var second = await VerbAsync("restart");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains($"upgraded (pid {pid})", first.Output);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal("* server restarted", await carol.ReadLineAsync());
        Assert.Equal("* server restarted", await carol.ReadLineAsync());
        await carol.SendAsync("/who");
        Assert.Equal("* in lobby: carol", await carol.ReadLineAsync());

        // A newcomer is served by the upgraded process as well, on the listener it kept open.
        await using var dave = await LineClient.ConnectAsync(_port);
        Assert.StartsWith("guest-", dave.Nick);
        var status = await VerbAsync("status");
        Assert.Contains("2 clients", status.Output);
    }

    [Fact]
    public async Task A_configuration_the_new_image_would_reject_refuses_the_restart_and_nobody_is_disconnected()
    {
        int pid = await StartAsync();
        await using var erin = await (await LineClient.ConnectAsync(_port)).WithNickAsync("erin");
        WriteConfig("""{ "Limits": { "LinesPerSecond": -5 } }""");

        var restart = await VerbAsync("restart");

        Assert.Equal(ExitCodes.Failure, restart.ExitCode);
        Assert.Contains("restart refused:", restart.Error);
        Assert.Contains("Limits:LinesPerSecond", restart.Error);
        Assert.Equal(pid, int.Parse(ChildProcesses.ReadWithoutLocking(PidFile)!.Trim()));
        await erin.SendAsync("/who");
        Assert.Equal("* in lobby: erin", await erin.ReadLineAsync());
        await erin.AssertNothingPendingAsync();

        WriteConfig("""{ "Chat": { "Motd": "after" } }""");
        var retried = await VerbAsync("restart");
        Assert.True(retried.ExitCode == 0, retried.Error);
        Assert.Equal("* server restarted", await erin.ReadLineAsync());
    }

    [Fact]
    public async Task With_the_sockets_transport_restart_falls_back_to_stop_and_start_and_upgrade_is_refused()
    {
        int pid = await StartAsync("--Transport:Kind=Sockets");

        var upgrade = await VerbAsync("upgrade");
        Assert.Equal(ExitCodes.Failure, upgrade.ExitCode);
        Assert.Contains("upgrade refused", upgrade.Error);
        Assert.True(ChildProcesses.IsAlive(pid));

        var restart = await VerbAsync("restart");
        Assert.True(restart.ExitCode == 0, restart.Error);
        int after = int.Parse(ChildProcesses.ReadWithoutLocking(PidFile)!.Trim());
        _children.Track(after);
        Assert.NotEqual(pid, after);
        Assert.Contains("* before", await ChildProcesses.ReadGreetingAsync(_port));
    }

    [Fact]
    public async Task Upgrade_of_a_daemon_that_is_not_running_says_so()
    {
        var upgrade = await VerbAsync("upgrade");

        Assert.Equal(ExitCodes.NotRunning, upgrade.ExitCode);
        Assert.Contains("not running", upgrade.Error);
    }

    [Fact]
    public async Task A_damaged_handover_is_logged_and_its_descriptors_closed_and_the_daemon_starts_afresh()
    {
        // What a previous image would leave: a manifest descriptor (here garbage) and a descriptor it named.
        string garbage = Path.Combine(_children.Directory, "manifest");
        await File.WriteAllTextAsync(garbage, "chatdaemon-handover 9\nstate 0\n");
        string other = Path.Combine(_children.Directory, "inherited");
        await File.WriteAllTextAsync(other, "");
        var daemon = _children.Start("/bin/sh",
            "-c", "exec 5<\"$1\" 6<\"$2\"; export CHATDAEMON_HANDOVER_FD=5 CHATDAEMON_HANDOVER_PID=$$; shift 2; exec \"$@\"",
            "sh", garbage, other, ChildProcesses.Chatdaemon, "--config", ConfigPath, "--listen", $"chat=127.0.0.1:{_port}");

        // Serving means the start is past reading the handover (the first thing Main does).
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (!PortAnswers(_port) && stopwatch.Elapsed < TimeSpan.FromSeconds(20) && !daemon.HasExited)
        {
            await Task.Delay(50);
        }

        Assert.Contains("* before", await ChildProcesses.ReadGreetingAsync(_port));
        // Descriptor numbers are reused at once; what counts is that nothing open names those files any more.
        var open = Directory.EnumerateFileSystemEntries($"/proc/{daemon.Id}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .ToList();
        Assert.DoesNotContain(garbage, open);
        Assert.DoesNotContain(other, open);
        // SIGTERM, not SIGKILL: the daemon stops and its log sink flushes what the assertions below read.
        await ChildProcesses.RunAsync("/bin/kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await daemon.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        string stderr = await daemon.StandardError.ReadToEndAsync() + await daemon.StandardOutput.ReadToEndAsync();
        Assert.Contains("The handover from the previous image is unusable", stderr);
        Assert.Contains("not 'chatdaemon-handover 1'", stderr);
    }

    private static bool PortAnswers(int port)
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            probe.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public void Dispose() => _children.Dispose();
}
