using Microsoft.Extensions.Logging;

namespace ChatDaemon.Logging;

// Events of the logging pipeline itself (EventIds 500-599).
internal static partial class LoggingLog
{
    [LoggerMessage(EventId = 500, EventName = "LoggingConfigured", Level = LogLevel.Debug,
        Message = "Logging to {Sinks} at minimum level {MinimumLevel}")]
    public static partial void LoggingConfigured(ILogger logger, string sinks, string minimumLevel);

    [LoggerMessage(EventId = 501, EventName = "LogLevelsReloaded", Level = LogLevel.Information,
        Message = "Log levels reloaded: minimum level {MinimumLevel}, {OverrideCount} category overrides")]
    public static partial void LevelsReloaded(ILogger logger, string minimumLevel, int overrideCount);

    [LoggerMessage(EventId = 502, EventName = "LogLevelOverrideNeedsRestart", Level = LogLevel.Warning,
        Message = "Log level override for {Category} was added by a reload; it takes effect after a restart")]
    public static partial void OverrideNeedsRestart(ILogger logger, string category);

    // EventId 503 (LogLevelsReloadIgnored) is retired, not to be reused: invalid levels reject the
    // whole reload now (ConfigurationReloader's ReloadRejected, 702).

    [LoggerMessage(EventId = 510, EventName = "LogEventsDropped", Level = LogLevel.Warning,
        Message = "{Sink} log sink dropped {DroppedCount} events")]
    public static partial void EventsDropped(ILogger logger, string sink, long droppedCount);

    [LoggerMessage(EventId = 511, EventName = "LogSinkConnectionLost", Level = LogLevel.Warning,
        Message = "{Sink} log sink lost {Endpoint}: {Error}; buffering and reconnecting")]
    public static partial void SinkConnectionLost(ILogger logger, string sink, string endpoint, string error);

    [LoggerMessage(EventId = 512, EventName = "LogSinkReconnected", Level = LogLevel.Information,
        Message = "{Sink} log sink reconnected to {Endpoint}")]
    public static partial void SinkReconnected(ILogger logger, string sink, string endpoint);
}
