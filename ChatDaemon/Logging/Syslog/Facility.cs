namespace ChatDaemon.Logging.Syslog;

/// <summary>Syslog facilities, numbered as in RFC 5424 §6.2.1 and syslog(3).</summary>
public enum Facility
{
    /// <summary>kernel messages</summary>
    Kernel = 0,
    /// <summary>user-level messages</summary>
    User = 1,
    /// <summary>mail system</summary>
    Mail = 2,
    /// <summary>system daemons (the default for chatdaemon)</summary>
    Daemon = 3,
    /// <summary>security/authorization messages</summary>
    Auth = 4,
    /// <summary>messages generated internally by syslogd</summary>
    Syslog = 5,
    /// <summary>line printer subsystem</summary>
    Lpr = 6,
    /// <summary>network news subsystem</summary>
    News = 7,
    /// <summary>UUCP subsystem</summary>
    Uucp = 8,
    /// <summary>clock daemon</summary>
    Cron = 9,
    /// <summary>security/authorization messages (private)</summary>
    AuthPriv = 10,
    /// <summary>FTP daemon</summary>
    Ftp = 11,
    /// <summary>NTP subsystem</summary>
    Ntp = 12,
    /// <summary>log audit</summary>
    Audit = 13,
    /// <summary>log alert</summary>
    Alert = 14,
    /// <summary>clock daemon (note 2)</summary>
    Clock = 15,
    /// <summary>local use 0</summary>
    Local0 = 16,
    /// <summary>local use 1</summary>
    Local1 = 17,
    /// <summary>local use 2</summary>
    Local2 = 18,
    /// <summary>local use 3</summary>
    Local3 = 19,
    /// <summary>local use 4</summary>
    Local4 = 20,
    /// <summary>local use 5</summary>
    Local5 = 21,
    /// <summary>local use 6</summary>
    Local6 = 22,
    /// <summary>local use 7</summary>
    Local7 = 23,
}
