using System.Globalization;
using Serilog.Events;
using Serilog.Parsing;

namespace ChatDaemon.Logging;

// Renders messages and property values as plain text for the journal, syslog and console sinks:
// string values are written as they are (no Serilog quotes, like Microsoft.Extensions.Logging's own
// formatter), everything else with the invariant culture so logs do not depend on the host locale.
internal static class LogEventText
{
    public static void WriteMessage(LogEvent logEvent, TextWriter output)
    {
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is TextToken text)
            {
                output.Write(text.Text);
            }
            else if (token is PropertyToken property)
            {
                if (!logEvent.Properties.TryGetValue(property.PropertyName, out var value))
                {
                    output.Write(property.ToString());
                }
                else if (value is ScalarValue { Value: string s } && property.Alignment is null)
                {
                    output.Write(s);
                }
                else
                {
                    property.Render(logEvent.Properties, output, CultureInfo.InvariantCulture);
                }
            }
        }
    }

    public static void WriteValue(LogEventPropertyValue value, TextWriter output)
    {
        if (value is ScalarValue { Value: string s })
        {
            output.Write(s);
        }
        else
        {
            value.Render(output, null, CultureInfo.InvariantCulture);
        }
    }
}
