using Xunit;
using Serilog.Events;
using Serilog.Parsing;

namespace ChatDaemon.Tests.Logging;

// Builds Serilog events the way Serilog.Extensions.Logging shapes them.
internal static class TestLogEvents
{
    public static readonly DateTimeOffset Timestamp = new DateTimeOffset(2026, 11, 2, 1, 50, 32, 123, TimeSpan.Zero).AddTicks(4560);

    public static LogEvent Create(
        LogEventLevel level,
        string template,
        IEnumerable<(string Name, object? Value)>? properties = null,
        int? eventId = null,
        string? eventName = null,
        string? sourceContext = null,
        Exception? exception = null,
        DateTimeOffset? timestamp = null)
    {
        var list = new List<LogEventProperty>();
        foreach (var (name, value) in properties ?? [])
        {
            list.Add(new LogEventProperty(name, new ScalarValue(value)));
        }

        if (sourceContext is not null)
        {
            list.Add(new LogEventProperty("SourceContext", new ScalarValue(sourceContext)));
        }

        if (eventId is not null || eventName is not null)
        {
            var parts = new List<LogEventProperty>();
            if (eventId is { } id)
            {
                parts.Add(new LogEventProperty("Id", new ScalarValue(id)));
            }

            if (eventName is not null)
            {
                parts.Add(new LogEventProperty("Name", new ScalarValue(eventName)));
            }

            list.Add(new LogEventProperty("EventId", new StructureValue(parts)));
        }

        return new LogEvent(timestamp ?? Timestamp, level, exception, new MessageTemplateParser().Parse(template), list);
    }
}

// An exception whose text is fixed, so formats containing it can be compared byte for byte.
internal sealed class FixedTextException(string message, string text) : Exception(message)
{
    public override string ToString() => text;
}
