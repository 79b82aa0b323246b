using System.Net;

namespace ChatDaemon.Logging.Syslog;

// Builds a SyslogSink from a format, a transport and the process identity.
internal static class SyslogSinkFactory
{
    public static SyslogSink Create(SyslogFormat format, Facility facility, string appName, bool forLocalDaemon,
        string structuredDataId, ISyslogTransport transport, FramingType framing, SyslogQueueSettings settings,
        ISinkEvents events)
    {
        var processId = Environment.ProcessId;
        var hostname = Dns.GetHostName();
        ISyslogFormatter formatter = format == SyslogFormat.Rfc3164
            ? new Rfc3164Formatter(facility, appName, forLocalDaemon ? null : hostname, processId)
            : new Rfc5424Formatter(facility, appName, hostname, processId, structuredDataId);
        return new SyslogSink(formatter, transport, framing, settings, events);
    }
}
