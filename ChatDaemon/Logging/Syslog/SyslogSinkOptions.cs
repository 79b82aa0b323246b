namespace ChatDaemon.Logging.Syslog;

/// <summary><c>Logging:Syslog</c>: the syslog sink, off until <see cref="Enabled"/> is set.</summary>
public sealed class SyslogSinkOptions
{
    /// <summary>Whether to send to syslog. Default: false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Local (/dev/log), Udp or Tcp. Default: Local.</summary>
    public string Transport { get; set; } = nameof(SyslogTransport.Local);

    /// <summary>The server for Udp and Tcp. Default: 127.0.0.1.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The server's port; unset means 514, or 6514 (syslog-tls, RFC 5425) with TLS.</summary>
    public int? Port { get; set; }

    /// <summary>
    /// Rfc5424 or Rfc3164. Unset: Rfc3164 for Local (what syslog(3) writes, the only format
    /// journald's /dev/log parses) and Rfc5424 for Udp and Tcp.
    /// </summary>
    public string? Format { get; set; }

    /// <summary>The syslog facility name (Kernel, User, Mail, Daemon, Auth, ..., Local0-Local7). Default: Daemon.</summary>
    public string Facility { get; set; } = nameof(Syslog.Facility.Daemon);

    /// <summary>APP-NAME (RFC 5424) or TAG (RFC 3164). Default: chatdaemon.</summary>
    public string AppName { get; set; } = SyslogLoggerConfigurationExtensions.DefaultAppName;

    /// <summary>Tcp framing: OctetCounting (RFC 6587 §3.4.1) or NewLine. Default: OctetCounting.</summary>
    public string Framing { get; set; } = nameof(FramingType.OctetCounting);

    /// <summary>Tcp only: wrap the connection in TLS (RFC 5425), checked against the system trust store.</summary>
    public bool UseTls { get; set; }

    /// <summary>The name the server certificate must carry; unset means <see cref="Host"/>.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>The local syslog socket for Local. Default: /dev/log.</summary>
    public string SocketPath { get; set; } = DatagramSyslogTransport.DefaultLocalPath;

    /// <summary>SD-ID of the element carrying the event properties. Default: meta@32473.</summary>
    public string StructuredDataId { get; set; } = Rfc5424Formatter.DefaultStructuredDataId;

    /// <summary>Only events at this level or above go to syslog (read at startup). Default: Verbose (all).</summary>
    public string MinimumLevel { get; set; } = "Verbose";

    /// <summary>Events buffered while the server is slow or down. Default: 10000.</summary>
    public int QueueLimit { get; set; } = 10_000;

    /// <summary>Longer messages are cut. Default: 8192 (rsyslog's default maximum).</summary>
    public int MaxMessageBytes { get; set; } = 8192;
}
