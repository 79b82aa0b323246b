using Microsoft.Extensions.Logging;
using ChatDaemon.CommandLine;

namespace ChatDaemon.Daemon;

/// <summary>
/// The running server's side of the classic daemon mode, created first thing in Main (before the
/// host is built) for <see cref="CommandVerb.Run"/>:
/// in the re-launched child of <c>--daemon</c> it enters a new session (setsid, chdir /, umask, stdin
/// from /dev/null) and connects the readiness channel to the waiting parent; in every mode it takes
/// the PID file when one is configured. Dispose it last (after the host stopped): that removes the
/// PID file and releases its lock, which is what <c>chatdaemon stop</c> waits for.
/// </summary>
public sealed class DaemonSession : IDisposable
{
    /// <summary>The program's path as first started, which <c>upgrade</c> executes; carried across re-executions.</summary>
    internal const string ExecutableVariable = "CHATDAEMON_EXECUTABLE";

    private readonly ReadinessChannel? _readiness;
    private readonly bool _detachedBefore;
    private int _disposed;

    private DaemonSession(CommandLineArguments commandLine, ReadinessChannel? readiness, PidFile? pidFile, string originalDirectory, InheritedSession inherited)
    {
        CommandLine = commandLine;
        _readiness = readiness;
        PidFile = pidFile;
        OriginalDirectory = originalDirectory;
        Handover = inherited.Manifest;
        HandoverProblem = inherited.Problem;
        _detachedBefore = inherited.Manifest?.Detached == true;
        InstalledExecutable = inherited.Executable ?? Environment.ProcessPath ?? "/proc/self/exe";
    }

    /// <summary>What the previous image of this process handed over (a classic restart or upgrade), or null.</summary>
    internal HandoverManifest? Handover { get; }

    /// <summary>Why a handover from a previous image could not be used, or null.</summary>
    internal string? HandoverProblem { get; }

    /// <summary>How many times this daemon was re-executed with its connections since it was started.</summary>
    public int Generation => Handover?.Generation ?? 0;

    /// <summary>The program's path (the muxer's under <c>dotnet chatdaemon.dll</c>) as the daemon was first started.</summary>
    internal string InstalledExecutable { get; }

    public CommandLineArguments CommandLine { get; }

    /// <summary>True in the re-launched child of <c>--daemon</c>.</summary>
    public bool IsDetached => _readiness is not null || _detachedBefore;

    /// <summary>The PID file held for the process's life, or null when none is configured.</summary>
    public PidFile? PidFile { get; }

    /// <summary>
    /// The directory the operator started the daemon from. The detached child runs in "/", so
    /// relative paths on the command line (e.g. a configuration file) should be resolved against this.
    /// </summary>
    public string OriginalDirectory { get; }

    /// <summary>Set by the hosted service so that PID file removal is logged.</summary>
    internal ILogger? Logger { get; set; }

    /// <summary>True when the parent process waits for this child (detached mode).</summary>
    public static bool IsDetachedChild =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(DetachEnvironment.ReadySocket))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(HandoverManifest.EnvironmentVariable)); // re-executed: detached already

    /// <summary>Begins the session; see the class summary.</summary>
    /// <exception cref="StartupException">The session could not begin (e.g. "already running (pid N)"); the parent has been told.</exception>
    public static DaemonSession Start(CommandLineArguments commandLine)
    {
        if (commandLine.Verb != CommandVerb.Run)
            throw new ArgumentException("only the run verb starts a daemon session", nameof(commandLine));

        var originalDirectory = Environment.CurrentDirectory;
        var inherited = InheritedSession.Receive();
        if (inherited.OriginalDirectory is { } carried)
            originalDirectory = carried;
        ReadinessChannel? readiness = null;
        var readySocket = Environment.GetEnvironmentVariable(DetachEnvironment.ReadySocket);
        if (!string.IsNullOrEmpty(readySocket))
        {
            originalDirectory = Environment.GetEnvironmentVariable(DetachEnvironment.OriginalDirectory) ?? originalDirectory;
            // Read once and hide from processes we may start; the original directory stays in
            // /proc/PID/environ, where restart finds it.
            Environment.SetEnvironmentVariable(DetachEnvironment.ReadySocket, null);
            Environment.SetEnvironmentVariable(DetachEnvironment.OriginalDirectory, null);
            try
            {
                readiness = ReadinessChannel.Connect(readySocket);
            }
            catch (Exception e)
            {
                throw new StartupException($"cannot reach the waiting parent at {readySocket}: {e.Message}", ExitCodes.OsError, e);
            }
        }

        try
        {
            if (readiness is not null)
                DetachedChild.EnterSession(commandLine.Umask);
            var pidFile = commandLine.PidFilePath is { } path
                ? inherited.Manifest?.PidFileDescriptor is { } lockFd ? PidFile.Adopt(path, lockFd) : PidFile.Acquire(path)
                : null;
            var session = new DaemonSession(commandLine, readiness, pidFile, originalDirectory, inherited);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => session.Dispose();
            return session;
        }
        catch (StartupException e)
        {
            readiness?.ReportFailure(e.Message, e.ExitCode);
            readiness?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Tells a waiting parent that startup failed, with a one-line reason; the parent prints it and
    /// exits with this process's exit code. Call it from Program.cs when host startup throws.
    /// Does nothing outside detached mode or after readiness was reported.
    /// </summary>
    public void ReportStartupFailure(Exception exception)
    {
        var code = exception is StartupException d ? d.ExitCode : ExitCodes.Failure;
        _readiness?.ReportFailure(exception.Message, code);
    }

    /// <summary>Detached mode: stdout/stderr to /dev/null, then READY=1 to the parent (which then exits 0).</summary>
    internal void ReportReady()
    {
        if (_readiness is null)
            return;
        DetachedChild.RedirectOutputToDevNull();
        _readiness.ReportReady();
        _readiness.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _readiness?.Dispose();
        PidFile?.Release(Logger);
    }
}
