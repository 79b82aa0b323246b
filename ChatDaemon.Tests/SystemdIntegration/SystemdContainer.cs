using System.Diagnostics;
using ChatDaemon.Tests.TestSupport;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// A real systemd (the host's /lib/systemd/systemd) booted as PID 1 of its own PID, mount, cgroup, UTS and
/// IPC namespaces by boot-systemd.sh: an overlay of "/" with a tmpfs upper layer, basic.target only, the
/// host's network namespace (tests connect over loopback). Booted once per test collection; powered off
/// (and killed if it does not go) on dispose, leaving no process, mount or cgroup behind.
/// Where a systemd system manager already is PID 1 (a test container with systemd, <see cref="SystemdMode"/>),
/// the suite drives that one instead: the same commands (nsenter into PID 1's namespaces is then a no-op), and
/// on dispose everything the suite installed or wrote is removed again, since no overlay throws it away.
/// </summary>
public sealed class SystemdContainer : IAsyncLifetime
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(60);
    private readonly IMessageSink _diagnostics;
    private readonly SemaphoreSlim _installLock = new(1, 1);
    private ChildProcess? _bootScript;
    private string? _stateDirectory;
    private bool _chatDaemonInstalled;
    private string? _buildOutput;
    private readonly List<string> _written = [];
    private bool _userExisted;

    public SystemdContainer(IMessageSink diagnostics) => _diagnostics = diagnostics;

    /// <summary>Host pid of the container's systemd (PID 1 inside).</summary>
    public int SystemdPid { get; private set; }

    /// <summary>From starting the boot script to <c>systemctl is-system-running --wait</c> returning.</summary>
    public TimeSpan BootTime { get; private set; }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Files written through <see cref="WriteFileAsync"/> (removed on dispose when driving a running systemd).</summary>
    public IReadOnlyCollection<string> WrittenFiles
    {
        get
        {
            lock (_written)
            {
                return [.. _written];
            }
        }
    }

    /// <summary>Whether the suite boots a systemd of its own or drives the one that is PID 1 here.</summary>
    public SystemdMode Mode { get; } = SystemdModeSelection.Current;

    public async Task InitializeAsync()
    {
        string? reason = SystemdPrerequisites.MissingReason;
        if (reason is not null)
        {
            return; // every test of the collection is skipped by [SystemdFact] with this reason
        }

        if (Mode == SystemdMode.Running)
        {
            await UseRunningSystemdAsync();
            return;
        }

        _stateDirectory = Directory.CreateTempSubdirectory("chatdaemon-systemd-").FullName;
        var clock = Stopwatch.StartNew();
        _bootScript = new ChildProcess("/bin/bash",
            [Path.Combine(RepositoryRoot, "ChatDaemon.Tests", "SystemdIntegration", "boot-systemd.sh"), _stateDirectory, RepositoryRoot]);
        SystemdPid = await FindSystemdPidAsync();
        await WaitForManagerBusAsync();

        CommandResult running = await ExecAsync("systemctl", "is-system-running", "--wait");
        BootTime = clock.Elapsed;
        if (running.Output.Trim() is not ("running" or "degraded"))
        {
            CommandResult failed = await ExecAsync("systemctl", "--failed", "--no-pager");
            throw new InvalidOperationException($"systemd did not come up: {running}\n{failed}");
        }

        _diagnostics.OnMessage(new DiagnosticMessage(
            $"systemd container booted in {BootTime.TotalMilliseconds:F0} ms (host pid {SystemdPid}, state {running.Output.Trim()})"));
    }

    /// <summary>
    /// PID 1 is the system manager to drive. Refuses to start over anything of ChatDaemon's it did not make
    /// (<see cref="ChatDaemonFootprint"/>): it would be overwritten, then removed. The Debian package test installs
    /// the real package (chatdaemon.service and all) on this system; the refusal is what makes that safe.
    /// </summary>
    private async Task UseRunningSystemdAsync()
    {
        if (File.ReadAllText("/proc/1/comm").Trim() != "systemd" || !Directory.Exists("/run/systemd/system"))
        {
            throw new InvalidOperationException($"{SystemdModeSelection.Variable}=running, but PID 1 is not a booted systemd");
        }

        SystemdPid = 1;
        IReadOnlyList<string> existing = await ChatDaemonFootprint.FindAsync(this);
        if (existing.Count > 0)
        {
            SystemdPid = 0;
            throw new InvalidOperationException(
                "this system has a ChatDaemon (or what is left of one, or of an earlier run of this suite) that the suite did not " +
                $"install, and would replace and then remove: {string.Join(", ", existing)}. Remove it (deploy/install.sh " +
                "--uninstall --purge, or dpkg -P chatdaemon, and the rest by hand) or run the suite with CHATDAEMON_TEST_SYSTEMD=own.");
        }

        _userExisted = (await ExecAsync("getent", "passwd", "chatdaemon")).ExitCode == 0;
        var clock = Stopwatch.StartNew();
        CommandResult running = await ExecAsync("systemctl", "is-system-running", "--wait");
        BootTime = clock.Elapsed;
        _diagnostics.OnMessage(new DiagnosticMessage($"driving the running systemd (PID 1, state {running.Output.Trim()})"));
    }

    private async Task<int> FindSystemdPidAsync()
    {
        string pidFile = Path.Combine(_stateDirectory!, "unshare.pid");
        var deadline = DateTime.UtcNow + BootTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int unsharePid))
            {
                string children = $"/proc/{unsharePid}/task/{unsharePid}/children";
                if (File.Exists(children)
                    && int.TryParse(File.ReadAllText(children).Trim(), out int pid)
                    && File.ReadAllText($"/proc/{pid}/comm").Trim() == "systemd")
                {
                    return pid;
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"systemd did not start.\n{_bootScript!.StandardOutput}\n{_bootScript.StandardError}");
    }

    /// <summary>systemctl talks to PID 1 over /run/systemd/private, created a moment after exec.</summary>
    private async Task WaitForManagerBusAsync()
    {
        var deadline = DateTime.UtcNow + BootTimeout;
        while ((await ExecAsync("test", "-S", "/run/systemd/private")).ExitCode != 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"systemd's /run/systemd/private did not appear.\n{_bootScript!.StandardError}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Runs a command inside the container (its mount, PID, UTS and IPC namespaces, its root).</summary>
    public async Task<CommandResult> ExecAsync(params string[] command) => await ExecWithInputAsync(null, command);

    public async Task<CommandResult> ExecWithInputAsync(string? input, params string[] command)
    {
        if (SystemdPid == 0)
        {
            throw new InvalidOperationException("the systemd container is not running");
        }

        var startInfo = new ProcessStartInfo("/usr/bin/nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-t", SystemdPid.ToString(), "-m", "-p", "-u", "-i", "-r", "-w", "--", .. command])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"command timed out: {string.Join(' ', command)}");
        }

        return new CommandResult(string.Join(' ', command), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Writes a file inside the container (its root is an overlay; the host's file is untouched).</summary>
    public async Task WriteFileAsync(string path, string content)
    {
        lock (_written)
        {
            _written.Add(path);
        }

        (await ExecAsync("mkdir", "-p", Path.GetDirectoryName(path)!)).EnsureSuccess();
        (await ExecWithInputAsync(content, "/bin/sh", "-c", "cat > \"$1\"", "sh", path)).EnsureSuccess();
    }

    /// <summary>One property of a unit, as <c>systemctl show -p NAME --value</c> prints it.</summary>
    public async Task<string> ShowAsync(string unit, string property) =>
        (await ExecAsync("systemctl", "show", "-p", property, "--value", unit)).EnsureSuccess().Output.Trim();

    /// <summary>
    /// Installs the daemon the way an administrator does: deploy/install.sh with the suite's build (Native AOT,
    /// like the default install). Once per container, unless <paramref name="again"/> (a test that took it away).
    /// </summary>
    public async Task InstallChatDaemonAsync(bool again = false)
    {
        await _installLock.WaitAsync();
        try
        {
            if (_chatDaemonInstalled && !again)
            {
                return;
            }

            string build = await BuildOutputAsync();
            (await ExecAsync(Path.Combine(RepositoryRoot, "deploy", "install.sh"), "--no-publish", "--from", build))
                .EnsureSuccess();
            _diagnostics.OnMessage(new DiagnosticMessage($"installed chatdaemon from {build}"));
            _chatDaemonInstalled = true;
        }
        finally
        {
            _installLock.Release();
        }
    }

    /// <summary>
    /// The build the suite installs: Native AOT, what deploy/install.sh installs by default, published once per
    /// run (about 40 s; into the repository, which the container sees, unlike the host's /tmp), with intermediate
    /// folders of its own: the install script's test publishes the same project at the same time, and two
    /// ILCompiler runs over one obj/ folder crash (SIGBUS, seen here).
    /// CHATDAEMON_TEST_BUILD=jit installs the Debug build beside this assembly instead: quicker while iterating,
    /// and install.sh then adds its MemoryDenyWriteExecute=no drop-in.
    /// </summary>
    /// <summary>The suite's build of the daemon (published once per run; see <see cref="ChatDaemonBuildOutputAsync"/>).</summary>
    public async Task<string> BuildOutputAsync() => _buildOutput ??= await ChatDaemonBuildOutputAsync();

    private static async Task<string> ChatDaemonBuildOutputAsync()
    {
        if (Environment.GetEnvironmentVariable("CHATDAEMON_TEST_BUILD") == "jit")
        {
            return JitBuildOutput();
        }

        string output = Path.Combine(RepositoryRoot, "ChatDaemon", "bin", "systemd-suite-aot");
        var startInfo = ChildProcess.RedirectedStartInfo("dotnet",
            ["publish", Path.Combine(RepositoryRoot, "ChatDaemon", "ChatDaemon.csproj"), "-c", "Release", "-r", "linux-x64",
             "-p:PublishAot=true", "-p:IntermediateOutputPath=obj/Release/aot-systemd-suite/", "-p:OutputPath=bin/aot-systemd-suite/",
             "-o", output, "--nologo", "--disable-build-servers"]);
        using var process = Process.Start(startInfo)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(output, "chatdaemon")) || File.Exists(Path.Combine(output, "chatdaemon.dll")))
        {
            throw new InvalidOperationException($"Native AOT publish failed (exit {process.ExitCode}); it needs clang, lld and zlib1g-dev:\n{await stdout}\n{await stderr}");
        }

        return output;
    }

    /// <summary>ChatDaemon/bin/CONFIGURATION/net10.0, built alongside this test assembly.</summary>
    private static string JitBuildOutput()
    {
        string testOutput = Path.GetDirectoryName(typeof(SystemdContainer).Assembly.Location)!;
        string framework = Path.GetFileName(testOutput);
        string configuration = Path.GetFileName(Path.GetDirectoryName(testOutput)!);
        string output = Path.Combine(RepositoryRoot, "ChatDaemon", "bin", configuration, framework);
        if (!File.Exists(Path.Combine(output, "chatdaemon")))
        {
            throw new FileNotFoundException($"ChatDaemon build output not found at {output}");
        }

        return output;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChatDaemon.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("ChatDaemon.sln not found above " + AppContext.BaseDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Mode == SystemdMode.Running && SystemdPid == 1)
        {
            await RemoveWhatTheSuiteLeftAsync();
            return;
        }

        if (_bootScript is null)
        {
            return;
        }

        try
        {
            if (SystemdPid != 0)
            {
                await ExecAsync("systemctl", "--no-block", "poweroff");
                try
                {
                    await _bootScript.WaitForExitAsync(TimeSpan.FromSeconds(15));
                }
                catch (OperationCanceledException)
                {
                    _diagnostics.OnMessage(new DiagnosticMessage("systemd container did not power off; killing it"));
                }
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            _diagnostics.OnMessage(new DiagnosticMessage($"systemd container poweroff failed: {exception.Message}"));
        }
        finally
        {
            KillContainer();
        }
    }

    /// <summary>
    /// The running system back as it was: the suite's units stopped, the package purged, the installation and
    /// its configuration removed, every file written through <see cref="WriteFileAsync"/> and every scratch file
    /// (<see cref="SuiteNames"/>) deleted, the system user removed if the suite made it; anything left of it
    /// (<see cref="ChatDaemonFootprint"/>) fails the run.
    /// </summary>
    private async Task RemoveWhatTheSuiteLeftAsync()
    {
        var units = (await ExecAsync("systemctl", "list-units", "--all", "--plain", "--no-legend", "--no-pager", "chatdaemon*"))
            .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])
            .ToArray();
        if (units.Length > 0)
        {
            await ExecAsync(["systemctl", "stop", .. units]);
        }

        if ((await ExecAsync("dpkg-query", "-W", "chatdaemon")).ExitCode == 0)
        {
            await ExecAsync("dpkg", "-P", "chatdaemon");
        }

        await ExecAsync(Path.Combine(RepositoryRoot, "deploy", "install.sh"), "--uninstall", "--purge");
        // Scratch files of the tests (probe logs, socket files of test units, an install root): all named SuiteNames.Prefix*.
        await ExecAsync("/bin/sh", "-c", $"rm -rf /run/{SuiteNames.Prefix}* /tmp/{SuiteNames.Prefix}*");
        string[] written;
        lock (_written)
        {
            written = [.. _written.Distinct()];
        }

        foreach (string path in written)
        {
            await ExecAsync("rm", "-f", path);
            string? directory = Path.GetDirectoryName(path);
            if (directory is not null && directory.EndsWith(".d", StringComparison.Ordinal))
            {
                await ExecAsync("rmdir", "--ignore-fail-on-non-empty", directory);
            }
        }

        // The system user deploy/install.sh made (sysusers.d(5)); its uninstall keeps it, as a package's removal does.
        if (!_userExisted && (await ExecAsync("getent", "passwd", "chatdaemon")).ExitCode == 0)
        {
            await ExecAsync("userdel", "chatdaemon");
            await ExecAsync("groupdel", "chatdaemon");
        }

        await ExecAsync("systemctl", "daemon-reload");
        await ExecAsync("systemctl", "reset-failed");
        var left = (await ChatDaemonFootprint.FindAsync(this)).Concat(written.Where(File.Exists)).ToList();
        if (!_userExisted && (await ExecAsync("getent", "passwd", "chatdaemon")).ExitCode == 0)
        {
            left.Add("user chatdaemon");
        }

        SystemdPid = 0;
        if (left.Count > 0)
        {
            // Fails the run (a collection fixture's cleanup failure): nothing of the suite's may outlive it on this system.
            throw new InvalidOperationException("the systemd suite left behind: " + string.Join(", ", left.Distinct()));
        }
    }

    /// <summary>
    /// SIGKILL of the namespace's PID 1 kills every process in it (pid_namespaces(7)); the boot script then
    /// removes its cgroups and exits, and the private mount namespace disappears with its last process.
    /// </summary>
    private void KillContainer()
    {
        if (SystemdPid != 0 && File.Exists($"/proc/{SystemdPid}/comm"))
        {
            using var kill = Process.Start("kill", ["-KILL", SystemdPid.ToString()]);
            kill.WaitForExit();
        }

        try
        {
            _bootScript!.WaitForExitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            _diagnostics.OnMessage(new DiagnosticMessage("boot script did not exit; killing it"));
        }

        if (_bootScript!.StandardError.Contains("could not remove"))
        {
            _diagnostics.OnMessage(new DiagnosticMessage("systemd container left cgroups behind:\n" + _bootScript.StandardError));
        }

        _bootScript.Dispose();
        SystemdPid = 0;
        if (_stateDirectory is not null)
        {
            try
            {
                Directory.Delete(_stateDirectory, recursive: true);
            }
            catch (IOException exception)
            {
                _diagnostics.OnMessage(new DiagnosticMessage($"could not remove {_stateDirectory}: {exception.Message}"));
            }
        }
    }
}
