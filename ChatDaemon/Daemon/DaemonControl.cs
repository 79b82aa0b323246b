using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using ChatDaemon.CommandLine;
using ChatDaemon.Control;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>
/// The control verbs <c>chatdaemon status|stop|reload|restart [--pid-file PATH] [--timeout S]</c>.
/// Whether the daemon runs is decided by the PID file's flock (<see cref="PidFile.Probe"/>), never
/// by kill(pid, 0), so a reused pid cannot fool them; stop and restart hold the guard lock
/// (<c>PIDFILE.lock</c>) so that two control actions never interleave. Exit codes follow LSB
/// (see <see cref="ExitCodes"/>).
/// </summary>
public static class DaemonControl
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StatusQueryTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Runs the verb of <paramref name="commandLine"/> and returns the exit code for Main.</summary>
    public static Task<int> RunAsync(CommandLineArguments commandLine) =>
        RunAsync(commandLine, Console.Out, Console.Error, OwnExecutable.Resolve());

    internal static async Task<int> RunAsync(
        CommandLineArguments commandLine, TextWriter output, TextWriter error,
        (string FileName, IReadOnlyList<string> LeadingArguments) executable)
    {
        var pidFile = commandLine.PidFilePath ?? CommandLineArguments.DefaultPidFilePath;
        try
        {
            return commandLine.Verb switch
            {
                CommandVerb.Status => await StatusAsync(commandLine, pidFile, output),
                CommandVerb.Stop => await GuardedAsync(pidFile, commandLine.Timeout, error,
                    () => StopAsync(pidFile, commandLine.Timeout, output, error)),
                CommandVerb.Reload => await ReloadAsync(commandLine, pidFile, output, error),
                CommandVerb.Restart => await GuardedAsync(pidFile, commandLine.Timeout, error,
                    () => RestartAsync(commandLine, pidFile, executable, output, error)),
                CommandVerb.Upgrade => await GuardedAsync(pidFile, commandLine.Timeout, error,
                    () => UpgradeAsync(commandLine, pidFile, output, error)),
                _ => throw new ArgumentException("not a control verb", nameof(commandLine)),
            };
        }
        catch (IOException e)
        {
            error.WriteLine($"chatdaemon: {e.Message}");
            return commandLine.Verb == CommandVerb.Status ? ExitCodes.StatusUnknown : ExitCodes.Failure;
        }
    }

    private static async Task<int> StatusAsync(CommandLineArguments commandLine, string pidFile, TextWriter output)
    {
        var state = PidFile.Probe(pidFile);
        switch (state.Status)
        {
            case PidFileStatus.Running:
                // The daemon's own summary is a bonus; the lock alone decides the exit code.
                var reply = ControlSocketClient.Send(
                    ControlSocketPath.ForClient(commandLine.ControlSocketPath, pidFile, commandLine.ExplicitPidFilePath is not null), ControlProtocol.Status, StatusQueryTimeout);
                output.WriteLine(reply is { Ok: true, Text.Length: > 0 }
                    ? $"chatdaemon is running: {reply.Text}"
                    : $"chatdaemon is running (pid {state.Pid?.ToString() ?? "unknown"})");
                return ExitCodes.Success;
            case PidFileStatus.Stale:
                output.WriteLine($"chatdaemon is not running, but PID file {pidFile} remains (pid {state.Pid})");
                return ExitCodes.StatusDeadWithPidFile;
            case PidFileStatus.NotRunning:
                // Under systemd there is no PID file, but the control socket answers.
                var service = ControlSocketClient.Send(
                    ControlSocketPath.ForClient(commandLine.ControlSocketPath, pidFile, commandLine.ExplicitPidFilePath is not null), ControlProtocol.Status, StatusQueryTimeout);
                if (service.Ok)
                {
                    output.WriteLine($"chatdaemon is running: {service.Text}");
                    return ExitCodes.Success;
                }

                output.WriteLine("chatdaemon is not running");
                return ExitCodes.StatusNotRunning;
            default:
                output.WriteLine($"chatdaemon status is unknown: {state.Detail}");
                return ExitCodes.StatusUnknown;
        }
    }

    private static async Task<int> GuardedAsync(string pidFile, TimeSpan timeout, TextWriter error, Func<Task<int>> action)
    {
        using var guard = await GuardLock.AcquireAsync(pidFile, timeout);
        if (guard is null)
        {
            error.WriteLine($"chatdaemon: another control command holds {GuardLock.PathFor(pidFile)} for more than {timeout.TotalSeconds:0.##} s");
            return ExitCodes.Failure;
        }

        return await action();
    }

    /// <summary>SIGTERM to the lock holder, then wait until the kernel released its lock (it exited).</summary>
    private static async Task<int> StopAsync(string pidFile, TimeSpan timeout, TextWriter output, TextWriter error)
    {
        // One descriptor for the whole wait: it keeps naming the daemon's inode even after the
        // daemon unlinks the path, so the wait ends exactly when that daemon's lock goes away.
        var fd = LibC.open(pidFile, LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0);
        if (fd < 0)
        {
            var errno = LibC.errno;
            if (errno != LibC.ENOENT)
                throw new IOException($"cannot open {pidFile}: {Marshal.GetPInvokeErrorMessage(errno)}");
            output.WriteLine("chatdaemon is not running");
            return ExitCodes.Success;
        }

        try
        {
            var state = PidFile.ProbeDescriptor(fd, pidFile);
            if (state.Status == PidFileStatus.Unknown)
                throw new IOException(state.Detail);
            if (state.Status != PidFileStatus.Running)
            {
                output.WriteLine("chatdaemon is not running");
                return ExitCodes.Success;
            }

            if (state.Pid is not { } pid)
            {
                error.WriteLine($"chatdaemon: {pidFile} is locked but holds no pid");
                return ExitCodes.Failure;
            }

            if (!SignalLockHolder(fd, pidFile, pid, LibC.SIGTERM, out var signalError))
            {
                error.WriteLine($"chatdaemon: cannot signal pid {pid}: {signalError}");
                return ExitCodes.Failure;
            }

            var deadline = Stopwatch.StartNew();
            while (PidFile.ProbeDescriptor(fd, pidFile).Status == PidFileStatus.Running)
            {
                if (deadline.Elapsed >= timeout)
                {
                    error.WriteLine($"chatdaemon: pid {pid} did not stop within {timeout.TotalSeconds:0.##} s");
                    return ExitCodes.Failure;
                }

                await Task.Delay(PollInterval);
            }

            output.WriteLine($"chatdaemon stopped (pid {pid})");
            return ExitCodes.Success;
        }
        finally
        {
            LibC.close(fd);
        }
    }

    /// <summary>
    /// Signals <paramref name="pid"/> only while it provably is the lock holder: a pidfd taken first
    /// (pidfd_open(2)) pins that process; if the lock is still held with the same pid afterwards,
    /// the pidfd refers to the daemon and not to a process that reused the pid.
    /// </summary>
    private static unsafe bool SignalLockHolder(int pidFileFd, string pidFile, int pid, int signal, out string? failure)
    {
        failure = null;
        var pidfd = LibC.pidfd_open(pid, 0);
        if (pidfd < 0)
        {
            var errno = LibC.errno;
            if (errno == LibC.ESRCH)
                return true; // already gone: the wait for the lock finishes at once
            if (errno != LibC.ENOSYS)
            {
                failure = Marshal.GetPInvokeErrorMessage(errno);
                return false;
            }

            // Kernels before 5.3: the guard lock and the lock check just done keep the window small.
            if (LibC.kill(pid, signal) == 0 || LibC.errno == LibC.ESRCH)
                return true;
            failure = Marshal.GetPInvokeErrorMessage(LibC.errno);
            return false;
        }

        try
        {
            var again = PidFile.ProbeDescriptor(pidFileFd, pidFile);
            if (again.Status != PidFileStatus.Running || again.Pid != pid)
                return true; // the holder went away meanwhile
            if (LibC.pidfd_send_signal(pidfd, signal, null, 0) == 0 || LibC.errno == LibC.ESRCH)
                return true;
            failure = Marshal.GetPInvokeErrorMessage(LibC.errno);
            return false;
        }
        finally
        {
            LibC.close(pidfd);
        }
    }

    private static async Task<int> ReloadAsync(CommandLineArguments commandLine, string pidFile, TextWriter output, TextWriter error)
    {
        var socket = ControlSocketPath.ForClient(commandLine.ControlSocketPath, pidFile, commandLine.ExplicitPidFilePath is not null);
        var reply = ControlSocketClient.Send(socket, ControlProtocol.Reload, commandLine.Timeout);
        if (reply.Ok)
        {
            output.WriteLine("chatdaemon: configuration reloaded");
            return ExitCodes.Success;
        }

        if (reply.Reachable)
        {
            error.WriteLine($"chatdaemon: reload rejected: {reply.Text}");
            return ExitCodes.Failure;
        }

        error.WriteLine($"chatdaemon: reload failed: {reply.Text}");
        return ExitCodes.NotRunning;
    }

    private static async Task<int> UpgradeAsync(CommandLineArguments commandLine, string pidFile, TextWriter output, TextWriter error)
    {
        var state = PidFile.Probe(pidFile);
        if (state.Status == PidFileStatus.Unknown)
            throw new IOException(state.Detail);
        if (state.Status != PidFileStatus.Running)
        {
            error.WriteLine("chatdaemon: not running; nothing to upgrade (start it instead)");
            return ExitCodes.NotRunning;
        }

        return await HandOverAsync(commandLine, pidFile, HandoverKind.Upgrade, output, error)
            ?? Refuse(error, "the running daemon cannot hand its connections over (no control socket, or a release without upgrade)");
    }

    private static int Refuse(TextWriter error, string reason)
    {
        error.WriteLine($"chatdaemon: upgrade refused: {reason}");
        return ExitCodes.Failure;
    }

    /// <summary>
    /// Asks the daemon over its control socket to re-execute with every connection open (<see cref="ExecHandover"/>)
    /// and waits until the new image answers with the next handover generation. Null when the daemon cannot
    /// (no control socket, an older release, the sockets transport): the caller decides what to do instead.
    /// </summary>
    private static async Task<int?> HandOverAsync(CommandLineArguments commandLine, string pidFile, HandoverKind kind, TextWriter output, TextWriter error)
    {
        string verb = kind == HandoverKind.Restart ? "restart" : "upgrade";
        var socket = ControlSocketPath.ForClient(commandLine.ControlSocketPath, pidFile, commandLine.ExplicitPidFilePath is not null);
        var before = ControlSocketClient.Send(socket, ControlProtocol.Generation, StatusQueryTimeout);
        if (!before.Ok || !int.TryParse(before.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int generation))
            return null;

        var reply = ControlSocketClient.Send(socket, kind == HandoverKind.Restart ? ControlProtocol.Restart : ControlProtocol.Upgrade, commandLine.Timeout);
        if (!reply.Ok)
        {
            if (reply.Reachable && reply.Text.StartsWith("unsupported:", StringComparison.Ordinal))
                return null;
            error.WriteLine($"chatdaemon: {verb} refused: {reply.Text}");
            return ExitCodes.Failure;
        }

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < commandLine.Timeout)
        {
            var now = ControlSocketClient.Send(socket, ControlProtocol.Generation, StatusQueryTimeout);
            if (now.Ok && int.TryParse(now.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int current) && current > generation)
            {
                var running = PidFile.Probe(pidFile);
                output.WriteLine($"chatdaemon {(kind == HandoverKind.Restart ? "restarted" : "upgraded")} (pid {running.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}); every connection kept");
                return ExitCodes.Success;
            }

            if (PidFile.Probe(pidFile).Status != PidFileStatus.Running)
            {
                error.WriteLine($"chatdaemon: the daemon exited during the {verb}; see its log");
                return ExitCodes.Failure;
            }

            await Task.Delay(PollInterval);
        }

        error.WriteLine($"chatdaemon: the daemon did not come back from the {verb} within {commandLine.Timeout.TotalSeconds:0.##} s");
        return ExitCodes.Failure;
    }

    /// <summary>
    /// A running daemon that can (the control socket answers, the epoll transport) is re-executed with every
    /// connection open (<see cref="HandOverAsync"/>). Otherwise: stop, then start detached with the arguments the running daemon was started with, read from
    /// /proc/PID/cmdline (the detached child runs with exactly the operator's arguments) and from the
    /// directory it was started in (CHATDAEMON_ORIGINAL_CWD in /proc/PID/environ), so relative paths
    /// keep their meaning. A stopped daemon is started with the arguments given to restart.
    /// --daemon is added when the recorded arguments lack it, as restart must return.
    /// </summary>
    private static async Task<int> RestartAsync(
        CommandLineArguments commandLine, string pidFile,
        (string FileName, IReadOnlyList<string> LeadingArguments) executable, TextWriter output, TextWriter error)
    {
        var state = PidFile.Probe(pidFile);
        if (state.Status == PidFileStatus.Unknown)
            throw new IOException(state.Detail);

        List<string> argv;
        string directory;
        if (state.Status == PidFileStatus.Running
            && await HandOverAsync(commandLine, pidFile, HandoverKind.Restart, output, error) is { } handedOver)
        {
            return handedOver;
        }

        if (state is { Status: PidFileStatus.Running, Pid: { } pid })
        {
            var recorded = ReadCommandLine(pid);
            if (recorded is null || recorded.Count == 0)
            {
                error.WriteLine($"chatdaemon: cannot read the command line of pid {pid}; not restarting");
                return ExitCodes.Failure;
            }

            argv = recorded;
            directory = ReadEnvironmentValue(pid, DetachEnvironment.OriginalDirectory) ?? Environment.CurrentDirectory;
            var stopped = await StopAsync(pidFile, commandLine.Timeout, output, error);
            if (stopped != ExitCodes.Success)
                return stopped;
        }
        else
        {
            argv = [executable.FileName, .. executable.LeadingArguments, .. commandLine.Arguments];
            directory = Environment.CurrentDirectory;
        }

        if (!argv.Contains("--daemon"))
            argv.Add("--daemon");

        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in argv.Skip(1))
            start.ArgumentList.Add(argument);
        start.Environment.Remove(DetachEnvironment.ReadySocket);
        start.Environment.Remove(DetachEnvironment.OriginalDirectory);

        using var launcher = Process.Start(start);
        if (launcher is null)
        {
            error.WriteLine($"chatdaemon: cannot start {argv[0]}");
            return ExitCodes.Failure;
        }

        // The launcher waits for readiness itself (bounded by the daemon's own --timeout).
        await launcher.WaitForExitAsync();
        if (launcher.ExitCode != 0)
            return launcher.ExitCode;

        var started = PidFile.Probe(pidFile);
        output.WriteLine(started.Status == PidFileStatus.Running
            ? $"chatdaemon restarted (pid {started.Pid})"
            : "chatdaemon restarted");
        return ExitCodes.Success;
    }

    internal static List<string>? ReadCommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllBytes($"/proc/{pid}/cmdline");
            return Encoding.UTF8.GetString(raw).Split('\0').SkipLast(1).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadEnvironmentValue(int pid, string name)
    {
        try
        {
            var raw = File.ReadAllBytes($"/proc/{pid}/environ");
            var prefix = name + "=";
            return Encoding.UTF8.GetString(raw).Split('\0')
                .FirstOrDefault(entry => entry.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
