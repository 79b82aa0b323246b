using Serilog.Events;

namespace ChatDaemon.Logging.Console;

/// <summary>Formats one event as the bytes written to stderr, ending with a newline.</summary>
internal interface IConsoleLineFormatter
{
    void Format(LogEvent logEvent, PooledByteBuffer buffer);
}
