namespace ChatDaemon.CommandLine;

/// <summary>
/// A startup step failed (PID file in use, privilege drop, detach, control socket).
/// <see cref="Exception.Message"/> is one line meant for the operator; <see cref="ExitCode"/> is the
/// process exit code to use, from <see cref="ExitCodes"/>.
/// </summary>
public sealed class StartupException(string message, int exitCode, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
