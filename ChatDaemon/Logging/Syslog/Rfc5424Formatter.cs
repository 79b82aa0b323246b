using System.Globalization;
using Serilog.Events;

namespace ChatDaemon.Logging.Syslog;

// RFC 5424 §6: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG].
// MSGID is the event name (Microsoft.Extensions.Logging EventId.Name); every event property is a
// PARAM of one SD-ELEMENT whose SD-ID is configurable (default meta@32473, 32473 being the
// private enterprise number RFC 5612 reserves for documentation; sites with a PEN use their own).
internal sealed class Rfc5424Formatter : ISyslogFormatter
{
    public const string DefaultStructuredDataId = "meta@32473";

    private const int MaxHostnameLength = 255;
    private const int MaxAppNameLength = 48;
    private const int MaxProcIdLength = 128;
    private const int MaxMsgIdLength = 32;

    private readonly Facility _facility;
    private readonly string _hostname;
    private readonly string _appName;
    private readonly string _procId;
    private readonly string _structuredDataId;

    public Rfc5424Formatter(Facility facility, string appName, string hostname, int processId,
        string structuredDataId = DefaultStructuredDataId)
    {
        if (!StructuredDataWriter.IsValidSdId(structuredDataId))
        {
            throw new ArgumentException($"'{structuredDataId}' is not a valid RFC 5424 SD-ID", nameof(structuredDataId));
        }

        _facility = facility;
        _hostname = SyslogText.PrintableAscii(hostname, MaxHostnameLength);
        _appName = SyslogText.PrintableAscii(appName, MaxAppNameLength);
        _procId = SyslogText.PrintableAscii(processId.ToString(CultureInfo.InvariantCulture), MaxProcIdLength);
        _structuredDataId = structuredDataId;
    }

    public void Format(LogEvent logEvent, PooledByteBuffer buffer)
    {
        var eventId = EventIdentity.From(logEvent);

        buffer.Write((byte)'<');
        buffer.WriteDecimal(SyslogText.Priority(_facility, logEvent.Level));
        buffer.Write(">1 "u8);
        WriteTimestamp(buffer, logEvent.Timestamp);
        buffer.Write((byte)' ');
        buffer.WriteUtf8(_hostname);
        buffer.Write((byte)' ');
        buffer.WriteUtf8(_appName);
        buffer.Write((byte)' ');
        buffer.WriteUtf8(_procId);
        buffer.Write((byte)' ');
        buffer.WriteUtf8(SyslogText.PrintableAscii(eventId.Name, MaxMsgIdLength));
        buffer.Write((byte)' ');

        var writer = ReusableStringWriter.Acquire();
        try
        {
            var text = writer.GetStringBuilder();
            WriteStructuredData(logEvent, eventId, buffer, writer);

            SyslogMessageText.Write(logEvent, writer);
            if (text.Length > 0)
            {
                buffer.Write((byte)' ');

                // §6.4: a UTF-8 MSG starts with a BOM; pure ASCII needs none (MSG-ANY).
                if (!SyslogMessageText.IsAscii(text))
                {
                    buffer.Write("\uFEFF"u8);
                }

                buffer.WriteUtf8(text);
            }
        }
        finally
        {
            writer.Release();
        }
    }

    // TIMESTAMP is RFC 3339 with at most 6 fractional digits (§6.2.3).
    private static void WriteTimestamp(PooledByteBuffer buffer, DateTimeOffset timestamp)
    {
        Span<char> chars = stackalloc char[40];
        var format = timestamp.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'" : "yyyy-MM-dd'T'HH:mm:ss.ffffffzzz";
        timestamp.TryFormat(chars, out var written, format, CultureInfo.InvariantCulture);
        buffer.WriteUtf8(chars[..written]);
    }

    private void WriteStructuredData(LogEvent logEvent, EventIdentity eventId, PooledByteBuffer buffer, StringWriter writer)
    {
        var text = writer.GetStringBuilder();
        var wroteElement = false;
        void OpenElement()
        {
            if (!wroteElement)
            {
                buffer.Write((byte)'[');
                buffer.WriteUtf8(_structuredDataId);
                wroteElement = true;
            }
        }

        if (eventId.Id is { } id)
        {
            OpenElement();
            Span<char> digits = stackalloc char[11];
            id.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
            StructuredDataWriter.WriteParam(buffer, EventIdentity.PropertyName, digits[..written]);
        }

        foreach (var (name, value) in logEvent.Properties)
        {
            if (name == EventIdentity.PropertyName)
            {
                continue;
            }

            OpenElement();
            LogEventText.WriteValue(value, writer);
            StructuredDataWriter.WriteParam(buffer, StructuredDataWriter.ParamName(name), text);
            text.Clear();
        }

        if (wroteElement)
        {
            buffer.Write((byte)']');
        }
        else
        {
            buffer.Write((byte)'-');
        }
    }
}
