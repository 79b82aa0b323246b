using Microsoft.Extensions.Logging;

namespace ChatDaemon.Daemon;

/// <summary>Log messages of the classic daemon mode (EventIds 600-606; the control socket's, 607-615, are in ControlLog).</summary>
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
}
