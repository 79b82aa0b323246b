namespace ChatDaemon.Logging.Syslog;

/// <summary>The syslog message format.</summary>
public enum SyslogFormat
{
    /// <summary>RFC 5424, with structured data (the default).</summary>
    Rfc5424,

    /// <summary>The BSD format of RFC 3164 (<c>&lt;PRI&gt;Mmm dd hh:mm:ss HOST TAG[PID]: MSG</c>).</summary>
    Rfc3164,
}
