using Microsoft.Extensions.Logging;

namespace ChatDaemon.Systemd;

/// <summary>Log messages of the Systemd area (EventIds 400-499; never reuse a retired id).</summary>
internal static partial class SystemdLog
{
    [LoggerMessage(EventId = 400, EventName = "NotifySocketUnsupported", Level = LogLevel.Warning,
        Message = "NOTIFY_SOCKET={Address} is neither an absolute path nor an abstract socket (@name); systemd notifications are disabled")]
    public static partial void NotifySocketUnsupported(ILogger logger, string address);

    [LoggerMessage(EventId = 401, EventName = "NotificationFailed", Level = LogLevel.Warning,
        Message = "Could not send \"{Message}\" to systemd; further failures are logged at debug level")]
    public static partial void NotificationFailed(ILogger logger, string message, Exception exception);

    [LoggerMessage(EventId = 402, EventName = "NotificationFailedAgain", Level = LogLevel.Debug,
        Message = "Could not send \"{Message}\" to systemd: {Reason}")]
    public static partial void NotificationFailedAgain(ILogger logger, string message, string reason);

    [LoggerMessage(EventId = 403, EventName = "NotificationSent", Level = LogLevel.Trace,
        Message = "Sent to systemd: {Message}")]
    public static partial void NotificationSent(ILogger logger, string message);

    [LoggerMessage(EventId = 404, EventName = "ReadyNotified", Level = LogLevel.Information,
        Message = "Started; notifying systemd READY=1")]
    public static partial void ReadyNotified(ILogger logger);

    [LoggerMessage(EventId = 405, EventName = "StopSignalReceived", Level = LogLevel.Information,
        Message = "Received {Signal}; stopping gracefully")]
    public static partial void StopSignalReceived(ILogger logger, string signal);

    [LoggerMessage(EventId = 406, EventName = "ListenFdsForAnotherProcess", Level = LogLevel.Debug,
        Message = "Ignoring LISTEN_FDS meant for process {ListenPid} (we are {ProcessId})")]
    public static partial void ListenFdsForAnotherProcess(ILogger logger, string listenPid, int processId);

    [LoggerMessage(EventId = 407, EventName = "ListenSocketReceived", Level = LogLevel.Information,
        Message = "Received socket \"{Name}\" (descriptor {FileDescriptor}, {AddressFamily}) from systemd")]
    public static partial void ListenSocketReceived(ILogger logger, int fileDescriptor, string name, string addressFamily);

    [LoggerMessage(EventId = 408, EventName = "WatchdogEnabled", Level = LogLevel.Information,
        Message = "systemd watchdog timeout {Timeout}: pinging every {PingInterval} while {ProbeCount} probe(s) report progress")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan timeout, TimeSpan pingInterval, int probeCount);

    [LoggerMessage(EventId = 409, EventName = "WatchdogForAnotherProcess", Level = LogLevel.Debug,
        Message = "Ignoring the systemd watchdog meant for process {WatchdogPid} (we are {ProcessId})")]
    public static partial void WatchdogForAnotherProcess(ILogger logger, int watchdogPid, int processId);

    [LoggerMessage(EventId = 410, EventName = "WatchdogVariablesInvalid", Level = LogLevel.Warning,
        Message = "Ignoring malformed watchdog variables WATCHDOG_USEC={WatchdogUsec} WATCHDOG_PID={WatchdogPid}")]
    public static partial void WatchdogVariablesInvalid(ILogger logger, string watchdogUsec, string? watchdogPid);

    [LoggerMessage(EventId = 411, EventName = "WatchdogWithheld", Level = LogLevel.Warning,
        Message = "Withholding the systemd watchdog ping: not making progress: {Probes}")]
    public static partial void WatchdogWithheld(ILogger logger, string probes);

    [LoggerMessage(EventId = 412, EventName = "WatchdogResumed", Level = LogLevel.Information,
        Message = "All watchdog probes report progress again; pinging systemd")]
    public static partial void WatchdogResumed(ILogger logger);

    [LoggerMessage(EventId = 413, EventName = "WatchdogProbeFailed", Level = LogLevel.Error,
        Message = "Watchdog probe {Probe} threw; counted as not making progress")]
    public static partial void WatchdogProbeFailed(ILogger logger, string probe, Exception exception);

    // 430-439: the file descriptor store (FileDescriptorStore).
    [LoggerMessage(EventId = 430, EventName = "FileDescriptorStoreSent", Level = LogLevel.Trace,
        Message = "Sent to the file descriptor store: {Message}")]
    public static partial void FileDescriptorStoreSent(ILogger logger, string message);

    [LoggerMessage(EventId = 431, EventName = "FileDescriptorStoreFailed", Level = LogLevel.Warning,
        Message = "The file descriptor store did not take \"{Message}\": {Error}; what is stored this way will not survive a restart")]
    public static partial void FileDescriptorStoreFailed(ILogger logger, string message, string error);

    [LoggerMessage(EventId = 432, EventName = "FileDescriptorStoreFailedAgain", Level = LogLevel.Debug,
        Message = "The file descriptor store did not take \"{Message}\": {Error}")]
    public static partial void FileDescriptorStoreFailedAgain(ILogger logger, string message, string error);

    [LoggerMessage(EventId = 433, EventName = "ServiceJobUnknown", Level = LogLevel.Warning,
        Message = "Could not ask systemd whether this is a stop or a restart ({Reason}); treating it as a stop")]
    public static partial void ServiceJobUnknown(ILogger logger, string reason);

    [LoggerMessage(EventId = 434, EventName = "KeptDescriptorsReceived", Level = LogLevel.Information,
        Message = "{Count} descriptors came back from the file descriptor store")]
    public static partial void KeptDescriptorsReceived(ILogger logger, int count);

    [LoggerMessage(EventId = 435, EventName = "FileDescriptorStoreMaxUnknown", Level = LogLevel.Warning,
        Message = "Could not ask systemd for this service's FileDescriptorStoreMax= ({Reason}); clients will not be kept across restarts")]
    public static partial void FileDescriptorStoreMaxUnknown(ILogger logger, string reason);
}
