using Microsoft.Extensions.Logging;

namespace ChatDaemon.Daemon;

/// <summary>Log messages of the classic daemon mode and the control socket (EventIds 600-699).</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "PID file {Path} locked, pid {Pid}")]
    public static partial void PidFileAcquired(ILogger logger, string path, int pid);

    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "PID file {Path} removed")]
    public static partial void PidFileRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "PID file {Path} could not be removed ({Reason}); it was emptied instead")]
    public static partial void PidFileEmptiedInsteadOfRemoved(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Running as root without --user: consider --user to drop privileges once listeners are bound")]
    public static partial void RunningAsRoot(ILogger logger);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Dropped privileges to user {User} (uid {Uid}), gid {Gid}, groups {Groups}")]
    public static partial void PrivilegesDropped(ILogger logger, string user, uint uid, uint gid, string groups);

    [LoggerMessage(EventId = 605, Level = LogLevel.Critical, Message = "Privilege drop failed: {Reason}")]
    public static partial void PrivilegeDropFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 606, Level = LogLevel.Information, Message = "Detached daemon ready (pid {Pid}, session leader, cwd /)")]
    public static partial void DetachedReady(ILogger logger, int pid);

    [LoggerMessage(EventId = 607, Level = LogLevel.Information, Message = "Control socket listening on {Path}")]
    public static partial void ControlSocketListening(ILogger logger, string path);

    [LoggerMessage(EventId = 608, Level = LogLevel.Information, Message = "Removed stale control socket {Path} (nobody was listening)")]
    public static partial void ControlSocketStaleRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 609, Level = LogLevel.Information, Message = "Control command '{Command}' from uid {Uid} pid {Pid}")]
    public static partial void ControlCommandReceived(ILogger logger, string command, uint uid, int pid);

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "Control socket refused a client with uid {Uid} pid {Pid}: only root and uid {OwnUid} may control the daemon")]
    public static partial void ControlPeerRefused(ILogger logger, uint uid, int pid, uint ownUid);

    [LoggerMessage(EventId = 611, Level = LogLevel.Debug, Message = "Control client failed")]
    public static partial void ControlClientFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 612, Level = LogLevel.Debug, Message = "Control socket {Path} removed")]
    public static partial void ControlSocketRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 613, Level = LogLevel.Information, Message = "No control socket: neither --control-socket, $RUNTIME_DIRECTORY nor a PID file is set")]
    public static partial void ControlSocketDisabled(ILogger logger);

    [LoggerMessage(EventId = 614, Level = LogLevel.Warning, Message = "Reload requested over the control socket was rejected: {Reason}")]
    public static partial void ControlReloadRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 615, Level = LogLevel.Error, Message = "Control socket accept loop failed")]
    public static partial void ControlAcceptFailed(ILogger logger, Exception exception);
}
