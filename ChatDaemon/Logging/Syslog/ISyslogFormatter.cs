using Serilog.Events;

namespace ChatDaemon.Logging.Syslog;

// Formats one event as one syslog message (without transport framing).
internal interface ISyslogFormatter
{
    void Format(LogEvent logEvent, PooledByteBuffer buffer);
}
