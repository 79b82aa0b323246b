using System.Text;
using Serilog.Events;

namespace ChatDaemon.Logging.Syslog;

// The MSG part shared by both formats: the rendered message, then the exception if any.
internal static class SyslogMessageText
{
    public static void Write(LogEvent logEvent, StringWriter writer)
    {
        LogEventText.WriteMessage(logEvent, writer);
        if (logEvent.Exception is { } exception)
        {
            writer.Write('\n');
            writer.Write(exception.ToString());
        }
    }

    public static bool IsAscii(StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
        {
            if (!Ascii.IsValid(chunk.Span))
            {
                return false;
            }
        }

        return true;
    }
}
