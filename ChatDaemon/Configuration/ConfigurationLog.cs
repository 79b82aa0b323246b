using Microsoft.Extensions.Logging;

namespace ChatDaemon.Configuration;

internal static partial class ConfigurationLog
{
    [LoggerMessage(EventId = 700, EventName = "ReloadStarted", Level = LogLevel.Information, Message = "Reloading configuration")]
    public static partial void ReloadStarted(ILogger logger);

    [LoggerMessage(EventId = 701, EventName = "ReloadApplied", Level = LogLevel.Information, Message = "Configuration reloaded")]
    public static partial void ReloadApplied(ILogger logger);

    [LoggerMessage(EventId = 702, EventName = "ReloadRejected", Level = LogLevel.Error, Message = "Configuration reload rejected, the running configuration stays: {Reason}")]
    public static partial void ReloadRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 703, EventName = "ReloadNeedsRestart", Level = LogLevel.Warning, Message = "Configuration reload changes keys read only at startup, it needs a restart: {Keys}")]
    public static partial void ReloadNeedsRestart(ILogger logger, string keys);
}
