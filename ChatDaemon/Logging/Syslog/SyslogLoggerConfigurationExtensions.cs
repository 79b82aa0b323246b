using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;

namespace ChatDaemon.Logging.Syslog;

/// <summary>
/// Syslog sinks shaped like the Serilog.Sinks.SyslogMessages package (<c>WriteTo.LocalSyslog</c>,
/// <c>WriteTo.UdpSyslog</c>, <c>WriteTo.TcpSyslog</c>) so that package can replace them later.
/// Defaults follow chatdaemon: facility daemon, app name chatdaemon, RFC 5424.
/// </summary>
public static class SyslogLoggerConfigurationExtensions
{
    /// <summary>The app name (APP-NAME / TAG) used when none is given.</summary>
    public const string DefaultAppName = "chatdaemon";

    /// <summary>Sends events to the local syslog daemon through /dev/log.</summary>
    /// <param name="sinkConfiguration">The sink configuration.</param>
    /// <param name="appName">APP-NAME (RFC 5424) or TAG (RFC 3164).</param>
    /// <param name="facility">The syslog facility.</param>
    /// <param name="format">RFC 3164 by default: it is what syslog(3) writes and every local daemon parses.</param>
    /// <param name="socketPath">The local syslog socket.</param>
    /// <param name="restrictedToMinimumLevel">The minimum level for events passed to this sink.</param>
    public static LoggerConfiguration LocalSyslog(
        this LoggerSinkConfiguration sinkConfiguration,
        string appName = DefaultAppName,
        Facility facility = Facility.Daemon,
        SyslogFormat format = SyslogFormat.Rfc3164,
        string socketPath = DatagramSyslogTransport.DefaultLocalPath,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose)
    {
        var sink = SyslogSinkFactory.Create(format, facility, appName, forLocalDaemon: true,
            Rfc5424Formatter.DefaultStructuredDataId, DatagramSyslogTransport.Local(socketPath),
            FramingType.OctetCounting, new SyslogQueueSettings(), SelfLogSinkEvents.Instance);
        return sinkConfiguration.Sink(sink, restrictedToMinimumLevel);
    }

    /// <summary>Sends events over UDP (RFC 5426), one message per datagram.</summary>
    /// <param name="sinkConfiguration">The sink configuration.</param>
    /// <param name="host">The syslog server.</param>
    /// <param name="port">The server's port.</param>
    /// <param name="appName">APP-NAME (RFC 5424) or TAG (RFC 3164).</param>
    /// <param name="format">The message format.</param>
    /// <param name="facility">The syslog facility.</param>
    /// <param name="restrictedToMinimumLevel">The minimum level for events passed to this sink.</param>
    /// <param name="structuredDataId">The SD-ID of the element carrying the event's properties.</param>
    public static LoggerConfiguration UdpSyslog(
        this LoggerSinkConfiguration sinkConfiguration,
        string host,
        int port = 514,
        string appName = DefaultAppName,
        SyslogFormat format = SyslogFormat.Rfc5424,
        Facility facility = Facility.Daemon,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose,
        string structuredDataId = Rfc5424Formatter.DefaultStructuredDataId)
    {
        var sink = SyslogSinkFactory.Create(format, facility, appName, forLocalDaemon: false, structuredDataId,
            DatagramSyslogTransport.Udp(host, port), FramingType.OctetCounting, new SyslogQueueSettings(),
            SelfLogSinkEvents.Instance);
        return sinkConfiguration.Sink(sink, restrictedToMinimumLevel);
    }

    /// <summary>Sends events over TCP (RFC 6587), optionally with TLS (RFC 5425).</summary>
    /// <param name="sinkConfiguration">The sink configuration.</param>
    /// <param name="host">The syslog server.</param>
    /// <param name="port">The server's port (6514 is the registered syslog-tls port).</param>
    /// <param name="appName">APP-NAME (RFC 5424) or TAG (RFC 3164).</param>
    /// <param name="framingType">Octet counting by default (required for TLS).</param>
    /// <param name="format">The message format.</param>
    /// <param name="facility">The syslog facility.</param>
    /// <param name="useTls">Wrap the connection in TLS.</param>
    /// <param name="secureProtocols">TLS versions; <see cref="SslProtocols.None"/> lets the OS choose.</param>
    /// <param name="clientCertificates">Client certificates for mutual authentication.</param>
    /// <param name="certValidationCallback">Server certificate check; null uses the system trust store.</param>
    /// <param name="tlsServerName">Name checked against the server certificate; defaults to <paramref name="host"/>.</param>
    /// <param name="restrictedToMinimumLevel">The minimum level for events passed to this sink.</param>
    /// <param name="structuredDataId">The SD-ID of the element carrying the event's properties.</param>
    public static LoggerConfiguration TcpSyslog(
        this LoggerSinkConfiguration sinkConfiguration,
        string host,
        int port = 514,
        string appName = DefaultAppName,
        FramingType framingType = FramingType.OctetCounting,
        SyslogFormat format = SyslogFormat.Rfc5424,
        Facility facility = Facility.Daemon,
        bool useTls = false,
        SslProtocols secureProtocols = SslProtocols.None,
        X509CertificateCollection? clientCertificates = null,
        RemoteCertificateValidationCallback? certValidationCallback = null,
        string? tlsServerName = null,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose,
        string structuredDataId = Rfc5424Formatter.DefaultStructuredDataId)
    {
        var tls = useTls
            ? new SyslogTlsSettings(tlsServerName, secureProtocols, clientCertificates, certValidationCallback)
            : null;
        var sink = SyslogSinkFactory.Create(format, facility, appName, forLocalDaemon: false, structuredDataId,
            new TcpSyslogTransport(host, port, tls), framingType, new SyslogQueueSettings(),
            SelfLogSinkEvents.Instance);
        return sinkConfiguration.Sink(sink, restrictedToMinimumLevel);
    }
}
