using Serilog.Events;

namespace ChatDaemon.Logging.Console;

// The Category[EventId]:  part both console formats put before the message.
internal static class ConsoleLinePrefix
{
    public static void Write(LogEvent logEvent, TextWriter writer)
    {
        var wrote = false;
        if (SourceContext.Of(logEvent) is { } category)
        {
            writer.Write(category);
            wrote = true;
        }

        if (EventIdentity.From(logEvent).Id is { } id)
        {
            writer.Write('[');
            writer.Write(id);
            writer.Write(']');
            wrote = true;
        }

        if (wrote)
        {
            writer.Write(": ");
        }
    }
}
