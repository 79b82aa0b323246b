namespace ChatDaemon.Logging.Syslog;

// Header field rules shared by the syslog formats.
internal static class SyslogText
{
    public const string Nil = "-";

    // RFC 5424 §6: header fields are PRINTUSASCII (%d33-126) with a maximum length; other
    // characters are replaced with '_', and an empty result is the NILVALUE.
    public static string PrintableAscii(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Nil;
        }

        var length = Math.Min(value.Length, maxLength);
        var clean = true;
        for (var i = 0; i < length; i++)
        {
            if (value[i] is < '!' or > '~')
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return length == value.Length ? value : value[..length];
        }

        return string.Create(length, value, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = source[i] is < '!' or > '~' ? '_' : source[i];
            }
        });
    }

    public static int Priority(Facility facility, Serilog.Events.LogEventLevel level) =>
        ((int)facility * 8) + SyslogSeverity.From(level);
}
