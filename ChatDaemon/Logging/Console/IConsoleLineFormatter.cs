using Serilog.Events;

namespace ChatDaemon.Logging.Console;

// Formats one event as the bytes written to stderr, ending with a newline.
internal interface IConsoleLineFormatter
{
    void Format(LogEvent logEvent, PooledByteBuffer buffer);
}
