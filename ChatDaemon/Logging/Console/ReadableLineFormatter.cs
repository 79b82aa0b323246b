using System.Globalization;
using Serilog.Events;

namespace ChatDaemon.Logging.Console;

// For a terminal or a file: 2026-11-22 01:50:32.123 +00:00 [INF] Category[EventId]: message,
// with an exception on the lines that follow.
internal sealed class ReadableLineFormatter : IConsoleLineFormatter
{
    public void Format(LogEvent logEvent, PooledByteBuffer buffer)
    {
        var writer = ReusableStringWriter.Acquire();
        try
        {
            writer.Write(logEvent.Timestamp.ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture));
            writer.Write(" [");
            writer.Write(Abbreviation(logEvent.Level));
            writer.Write("] ");
            ConsoleLinePrefix.Write(logEvent, writer);
            LogEventText.WriteMessage(logEvent, writer);
            writer.Write('\n');
            if (logEvent.Exception is { } exception)
            {
                writer.Write(exception.ToString());
                writer.Write('\n');
            }

            buffer.WriteUtf8(writer.GetStringBuilder());
        }
        finally
        {
            writer.Release();
        }
    }

    private static string Abbreviation(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };
}
