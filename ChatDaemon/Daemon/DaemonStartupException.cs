namespace ChatDaemon.Daemon;

/// <summary>
/// A startup step of the daemon failed (PID file in use, privilege drop failed, detach failed).
/// <see cref="Exception.Message"/> is one line meant for the operator; <see cref="ExitCode"/> is the
/// process exit code to use.
/// </summary>
public sealed class DaemonStartupException(string message, int exitCode, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
