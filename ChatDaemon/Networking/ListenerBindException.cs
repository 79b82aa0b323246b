namespace ChatDaemon.Networking;

/// <summary>A listener could not be bound; carries the sysexits(3) code the process should exit with.</summary>
public sealed class ListenerBindException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
