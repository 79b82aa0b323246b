using Serilog.Events;

namespace ChatDaemon.Logging;

// The logger category: Serilog.Extensions.Logging stores ILogger's category name in the
// SourceContext property.
internal static class SourceContext
{
    public const string PropertyName = "SourceContext";

    public static string? Of(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue(PropertyName, out var value) && value is ScalarValue { Value: string category }
            ? category
            : null;
}
