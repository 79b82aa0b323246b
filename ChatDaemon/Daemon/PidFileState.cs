namespace ChatDaemon.Daemon;

/// <summary>What a PID file says about the daemon, decided by its lock, not by the pid's existence.</summary>
public enum PidFileStatus
{
    /// <summary>The file is locked: a daemon holds it. Pid is the pid it wrote.</summary>
    Running,

    /// <summary>The file exists with a pid but nobody holds its lock: the daemon died without cleaning up.</summary>
    Stale,

    /// <summary>No file, or an empty unlocked one (left by a daemon that stopped cleanly but could not unlink it after dropping privileges).</summary>
    NotRunning,

    /// <summary>The file could not be inspected (permissions, I/O error).</summary>
    Unknown,
}

/// <summary>The result of <see cref="PidFile.Probe"/>.</summary>
/// <param name="Status">What the lock says.</param>
/// <param name="Pid">The pid written in the file, when it holds one.</param>
/// <param name="Detail">Why the status is unknown.</param>
public sealed record PidFileState(PidFileStatus Status, int? Pid, string? Detail = null);
