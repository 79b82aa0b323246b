namespace ChatDaemon.Logging.Syslog;

/// <summary>How messages are delimited on a stream transport (RFC 6587 §3.4).</summary>
public enum FramingType
{
    /// <summary>Octet counting, <c>LEN SP MSG</c> (RFC 6587 §3.4.1; mandatory for TLS, RFC 5425 §4.3).</summary>
    OctetCounting,

    /// <summary>Non-transparent framing with LF as trailer (RFC 6587 §3.4.2); newlines in MSG are escaped.</summary>
    NewLine,
}
