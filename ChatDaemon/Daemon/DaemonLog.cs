using Microsoft.Extensions.Logging;

namespace ChatDaemon.Daemon;

/// <summary>Log messages of the classic daemon mode (EventIds 600-606 and 616-624, 622 unused; the control socket's, 607-615, are in ControlLog).</summary>
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

    [LoggerMessage(EventId = 616, EventName = "InheritedListenerUnused", Level = LogLevel.Information, Message = "Listener {Endpoint} kept open by the previous image is no longer configured; closed")]
    public static partial void InheritedListenerUnused(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 617, EventName = "InheritedDescriptorUnusable", Level = LogLevel.Warning, Message = "Descriptor {FileDescriptor} handed over as a connection is not a connected stream socket; closed")]
    public static partial void InheritedDescriptorUnusable(ILogger logger, int fileDescriptor);

    [LoggerMessage(EventId = 618, EventName = "InheritedConnectionsAdopted", Level = LogLevel.Information, Message = "Restarted without disconnecting anyone: {Count} connections adopted, {Restored} with their saved state (handover {Generation})")]
    public static partial void InheritedConnectionsAdopted(ILogger logger, int count, int restored, int generation);

    [LoggerMessage(EventId = 619, EventName = "InheritedStateProblem", Level = LogLevel.Warning, Message = "Members' state handed over: {Problem}; those members are served as new guests")]
    public static partial void InheritedStateProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 620, EventName = "HandoverRequested", Level = LogLevel.Information, Message = "{Kind} requested: stopping and handing every connection over to {Path}")]
    public static partial void HandoverRequested(ILogger logger, string kind, string path);

    [LoggerMessage(EventId = 621, EventName = "HandoverExec", Level = LogLevel.Information, Message = "Re-executing {Path} with {Connections} connections ({Members} with state) and {Listeners} listeners")]
    public static partial void HandoverExec(ILogger logger, string path, int connections, int members, int listeners);

    [LoggerMessage(EventId = 623, EventName = "HandoverManifestInvalid", Level = LogLevel.Error, Message = "The handover from the previous image is unusable ({Reason}); its descriptors are closed and the daemon starts afresh")]
    public static partial void HandoverManifestInvalid(ILogger logger, string reason);

    [LoggerMessage(EventId = 624, EventName = "HandoverRefused", Level = LogLevel.Warning, Message = "{Kind} refused: {Reason}")]
    public static partial void HandoverRefused(ILogger logger, string kind, string reason);
}
