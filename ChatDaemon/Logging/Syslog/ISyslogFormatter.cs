using Serilog.Events;

namespace ChatDaemon.Logging.Syslog;

/// <summary>Formats one event as one syslog message (without transport framing).</summary>
internal interface ISyslogFormatter
{
    void Format(LogEvent logEvent, PooledByteBuffer buffer);
}
