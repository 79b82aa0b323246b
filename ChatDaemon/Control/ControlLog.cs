using Microsoft.Extensions.Logging;

namespace ChatDaemon.Control;

/// <summary>Log messages of the control socket (EventIds 607-615, in the daemon mode's range 600-699, whose ids they kept).</summary>
internal static partial class ControlLog
{
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
