using System.Globalization;
using Serilog.Events;

namespace ChatDaemon.Logging.Syslog;

// The BSD syslog format of RFC 3164 §4.1: <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG.
// For /dev/log the HOSTNAME is left out, as glibc's syslog(3) does; the local daemon adds it.
// Properties are not carried: this format has no structured data.
internal sealed class Rfc3164Formatter : ISyslogFormatter
{
    // §4.1.3: the TAG is at most 32 alphanumeric characters.
    private const int MaxTagLength = 32;

    private readonly Facility _facility;
    private readonly string? _hostname;
    private readonly string _tagAndPid;

    public Rfc3164Formatter(Facility facility, string appName, string? hostname, int processId)
    {
        _facility = facility;
        _hostname = hostname is null ? null : SyslogText.PrintableAscii(hostname, 255);
        var tag = SyslogText.PrintableAscii(appName, MaxTagLength);
        _tagAndPid = string.Create(CultureInfo.InvariantCulture, $"{tag}[{processId}]: ");
    }

    public void Format(LogEvent logEvent, PooledByteBuffer buffer)
    {
        buffer.Write((byte)'<');
        buffer.WriteDecimal(SyslogText.Priority(_facility, logEvent.Level));
        buffer.Write((byte)'>');

        // §4.1.2: "Mmm dd hh:mm:ss" in local time, a single-digit day padded with a space.
        Span<char> chars = stackalloc char[16];
        var timestamp = logEvent.Timestamp;
        timestamp.TryFormat(chars, out var written, "MMM ", CultureInfo.InvariantCulture);
        buffer.WriteUtf8(chars[..written]);
        if (timestamp.Day < 10)
        {
            buffer.Write((byte)' ');
        }

        timestamp.TryFormat(chars, out written, "d HH:mm:ss", CultureInfo.InvariantCulture);
        buffer.WriteUtf8(chars[..written]);
        buffer.Write((byte)' ');
        if (_hostname is not null)
        {
            buffer.WriteUtf8(_hostname);
            buffer.Write((byte)' ');
        }

        buffer.WriteUtf8(_tagAndPid);

        var writer = ReusableStringWriter.Acquire();
        try
        {
            SyslogMessageText.Write(logEvent, writer);
            buffer.WriteUtf8(writer.GetStringBuilder());
        }
        finally
        {
            writer.Release();
        }
    }
}
