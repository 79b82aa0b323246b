namespace ChatDaemon.Logging.Syslog;

// Builds the syslog sink described by validated SyslogSinkOptions.
internal static class SyslogSinkFromOptions
{
    public const int DefaultPort = 514;

    // RFC 5425 §4.1: syslog over TLS has its own registered port.
    public const int DefaultTlsPort = 6514;

    public static SyslogSink Create(SyslogSinkOptions options, ISinkEvents events)
    {
        var transportKind = Enum.Parse<SyslogTransport>(options.Transport, ignoreCase: true);
        var port = options.Port ?? (options.UseTls ? DefaultTlsPort : DefaultPort);
        ISyslogTransport transport = transportKind switch
        {
            SyslogTransport.Local => DatagramSyslogTransport.Local(options.SocketPath),
            SyslogTransport.Udp => DatagramSyslogTransport.Udp(options.Host, port),
            _ => new TcpSyslogTransport(options.Host, port, options.UseTls
                ? new SyslogTlsSettings(options.TlsServerName, default, null, null)
                : null),
        };

        var settings = new SyslogQueueSettings
        {
            QueueLimit = options.QueueLimit,
            MaxMessageBytes = options.MaxMessageBytes,
        };

        return SyslogSinkFactory.Create(
            options.Format is null
                ? (transportKind == SyslogTransport.Local ? SyslogFormat.Rfc3164 : SyslogFormat.Rfc5424)
                : Enum.Parse<SyslogFormat>(options.Format, ignoreCase: true),
            Enum.Parse<Facility>(options.Facility, ignoreCase: true),
            options.AppName,
            forLocalDaemon: transportKind == SyslogTransport.Local,
            options.StructuredDataId,
            transport,
            Enum.Parse<FramingType>(options.Framing, ignoreCase: true),
            settings,
            events);
    }
}
