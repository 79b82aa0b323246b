using Microsoft.Extensions.Logging;

namespace ChatDaemon.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1, EventName = "Starting", Level = LogLevel.Information, Message = "ChatDaemon {Version} starting (pid {Pid})")]
    public static partial void Starting(ILogger logger, string version, int pid);

    [LoggerMessage(EventId = 2, EventName = "Ready", Level = LogLevel.Information, Message = "Ready: listening on {Listeners} ({StartupMilliseconds} ms after exec, {JitMethods} methods compiled at run time in {JitMilliseconds} ms)")]
    public static partial void Ready(ILogger logger, string listeners, long startupMilliseconds, long jitMethods, long jitMilliseconds);

    [LoggerMessage(EventId = 3, EventName = "Stopping", Level = LogLevel.Information, Message = "Stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 4, EventName = "Stopped", Level = LogLevel.Information, Message = "Stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 5, EventName = "SignalReceived", Level = LogLevel.Information, Message = "Received {Signal}")]
    public static partial void SignalReceived(ILogger logger, string signal);

    [LoggerMessage(EventId = 6, EventName = "ReloadFailed", Level = LogLevel.Error, Message = "Reload failed unexpectedly")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7, EventName = "ReloadAcknowledgementNotWritten", Level = LogLevel.Warning, Message = "Cannot write the reload state {Path}: ExecReload= will not see reloads complete")]
    public static partial void ReloadAcknowledgementNotWritten(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 20, EventName = "IdleMemoryTrimmed", Level = LogLevel.Information, Message = "Idle: returned memory to the system, GC committed {CommittedBeforeMiB} -> {CommittedAfterMiB} MiB ({HeapMiB} MiB live), {PauseMilliseconds} ms pause")]
    public static partial void IdleMemoryTrimmed(ILogger logger, long committedBeforeMiB, long committedAfterMiB, long heapMiB, long pauseMilliseconds);

    // 30-39: connections kept across restarts (ConnectionContinuity).
    [LoggerMessage(EventId = 30, EventName = "ConnectionsNotKept", Level = LogLevel.Information, Message = "FileDescriptorStoreMax= is 0 (or systemd could not be asked): a restart disconnects clients; see the README on restarts")]
    public static partial void ConnectionsNotKept(ILogger logger);

    [LoggerMessage(EventId = 31, EventName = "KeptConnectionsAdopted", Level = LogLevel.Information, Message = "Took over {Count} connections kept across the restart, {Restored} with their member state")]
    public static partial void KeptConnectionsAdopted(ILogger logger, int count, int restored);

    [LoggerMessage(EventId = 32, EventName = "KeptDescriptorUnusable", Level = LogLevel.Warning, Message = "Descriptor {Name} from the file descriptor store is not a connection this build can serve; closed")]
    public static partial void KeptDescriptorUnusable(ILogger logger, string name);

    [LoggerMessage(EventId = 33, EventName = "KeptStateProblem", Level = LogLevel.Warning, Message = "Member state kept across the restart: {Problem}")]
    public static partial void StateProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 34, EventName = "StopKind", Level = LogLevel.Information, Message = "Stopping for systemd job {Job} (asked in {Milliseconds} ms); handing connections over: {HandingOver}")]
    public static partial void StopKind(ILogger logger, string job, bool handingOver, long milliseconds);

    [LoggerMessage(EventId = 35, EventName = "StateKept", Level = LogLevel.Information, Message = "Handed over {Count} connections; the state of {Members} members ({Bytes} bytes) is kept for the next process")]
    public static partial void StateKept(ILogger logger, int count, int members, int bytes);

    [LoggerMessage(EventId = 36, EventName = "KeepLimitReached", Level = LogLevel.Warning, Message = "{Max} connections are kept in the file descriptor store, the most whose names fit LISTEN_FDNAMES; later ones are not kept across a restart")]
    public static partial void KeepLimitReached(ILogger logger, int max);
}
