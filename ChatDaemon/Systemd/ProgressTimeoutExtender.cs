namespace ChatDaemon.Systemd;

/// <summary>
/// Keeps a long operation (a drain on stop, a slow reload) alive past TimeoutStopSec=/TimeoutStartSec= while
/// it makes progress: each <see cref="ReportProgress"/> sends EXTEND_TIMEOUT_USEC= (sd_notify(3), systemd 236+),
/// at most once per half <see cref="Extension"/>. When progress stops, so do the extensions, and systemd's
/// timeout takes over. A no-op outside systemd.
/// </summary>
public sealed class ProgressTimeoutExtender
{
    private readonly ISystemdNotifier _notifier;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private long? _lastSentTimestamp;

    /// <param name="notifier">Where to send the extensions.</param>
    /// <param name="timeProvider">The clock that rate-limits them.</param>
    /// <param name="extension">How long each report buys from now; choose more than the gap between progress reports.</param>
    public ProgressTimeoutExtender(ISystemdNotifier notifier, TimeProvider timeProvider, TimeSpan extension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(extension, TimeSpan.Zero);
        _notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        Extension = extension;
    }

    public TimeSpan Extension { get; }

    /// <summary>Reports progress; returns true when an extension was sent.</summary>
    public bool ReportProgress()
    {
        long now = _timeProvider.GetTimestamp();
        lock (_lock)
        {
            if (_lastSentTimestamp is long last && _timeProvider.GetElapsedTime(last, now) < Extension / 2)
            {
                return false;
            }

            _lastSentTimestamp = now;
        }

        _notifier.Notify(ServiceState.ExtendTimeout(Extension));
        return true;
    }
}
