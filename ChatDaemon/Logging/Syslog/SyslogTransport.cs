namespace ChatDaemon.Logging.Syslog;

/// <summary>Where the syslog sink sends messages.</summary>
public enum SyslogTransport
{
    /// <summary>The local syslog daemon's AF_UNIX datagram socket, /dev/log.</summary>
    Local,

    /// <summary>UDP (RFC 5426), one message per datagram.</summary>
    Udp,

    /// <summary>TCP (RFC 6587), optionally with TLS (RFC 5425).</summary>
    Tcp,
}
