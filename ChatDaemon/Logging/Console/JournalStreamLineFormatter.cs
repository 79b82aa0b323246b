using Serilog.Events;

namespace ChatDaemon.Logging.Console;

// For stderr connected to journald: <N>Category[EventId]: message, one line per event.
// sd-daemon(3): journald reads the <N> prefix as the priority and stamps the time
// itself, so no timestamp is written; every line becomes its own entry, so line breaks inside
// the message or exception are written as the two characters \n (and CR as \r).
internal sealed class JournalStreamLineFormatter : IConsoleLineFormatter
{
    public void Format(LogEvent logEvent, PooledByteBuffer buffer)
    {
        buffer.Write((byte)'<');
        buffer.WriteDecimal(SyslogSeverity.From(logEvent.Level));
        buffer.Write((byte)'>');

        var writer = ReusableStringWriter.Acquire();
        try
        {
            ConsoleLinePrefix.Write(logEvent, writer);
            LogEventText.WriteMessage(logEvent, writer);
            if (logEvent.Exception is { } exception)
            {
                writer.Write(' ');
                writer.Write(exception.ToString());
            }

            foreach (var chunk in writer.GetStringBuilder().GetChunks())
            {
                WriteEscaped(buffer, chunk.Span);
            }
        }
        finally
        {
            writer.Release();
        }

        buffer.Write((byte)'\n');
    }

    private static void WriteEscaped(PooledByteBuffer buffer, ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var lineBreak = text.IndexOfAny('\n', '\r');
            if (lineBreak < 0)
            {
                buffer.WriteUtf8(text);
                return;
            }

            buffer.WriteUtf8(text[..lineBreak]);
            buffer.Write(text[lineBreak] == '\n' ? "\\n"u8 : "\\r"u8);
            text = text[(lineBreak + 1)..];
        }
    }
}
