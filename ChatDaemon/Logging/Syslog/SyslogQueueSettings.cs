namespace ChatDaemon.Logging.Syslog;

// Buffering and reconnection limits of the syslog sink.
internal sealed record SyslogQueueSettings
{
    // Events held while the receiver is slow or down; more are dropped and counted.
    public int QueueLimit { get; init; } = 10_000;

    // Longer messages are cut; rsyslog's default maxMessageSize is 8 KiB.
    public int MaxMessageBytes { get; init; } = 8192;

    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    // How long disposing waits for queued events to be sent.
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(2);

    // While drops go on, the count is still reported at most this often.
    public TimeSpan DropReportInterval { get; init; } = TimeSpan.FromMinutes(1);
}
