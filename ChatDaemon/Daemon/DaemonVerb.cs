namespace ChatDaemon.Daemon;

/// <summary>What the command line asks for.</summary>
public enum DaemonVerb
{
    /// <summary>Run the server (in the foreground, or detached with --daemon).</summary>
    Run,
    Status,
    Stop,
    Reload,
    Restart,
}
