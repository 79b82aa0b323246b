namespace ChatDaemon.Logging.Syslog;

/// <summary>Buffering and reconnection limits of the syslog sink.</summary>
internal sealed record SyslogQueueSettings
{
    /// <summary>Events held while the receiver is slow or down; more are dropped and counted.</summary>
    public int QueueLimit { get; init; } = 10_000;

    /// <summary>Longer messages are cut; rsyslog's default maxMessageSize is 8 KiB.</summary>
    public int MaxMessageBytes { get; init; } = 8192;

    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long disposing waits for queued events to be sent.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>While drops go on, the count is still reported at most this often.</summary>
    public TimeSpan DropReportInterval { get; init; } = TimeSpan.FromMinutes(1);
}
