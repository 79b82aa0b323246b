namespace ChatDaemon.Logging.Journal;

/// <summary><c>Logging:Journal</c>: the journald native-protocol sink.</summary>
public sealed class JournalSinkOptions
{
    /// <summary>
    /// True or false forces the sink on or off; unset (the default) enables it when running under
    /// systemd and the journal socket exists.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>journald's native socket. Default: /run/systemd/journal/socket.</summary>
    public string SocketPath { get; set; } = JournalSocket.DefaultPath;

    /// <summary>SYSLOG_IDENTIFIER of every entry (what <c>journalctl -t</c> matches). Default: chatdaemon.</summary>
    public string SyslogIdentifier { get; set; } = "chatdaemon";

    /// <summary>SYSLOG_FACILITY of every entry. Default: Daemon.</summary>
    public string Facility { get; set; } = nameof(Syslog.Facility.Daemon);
}
