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
}
