using Microsoft.Extensions.Hosting;

namespace ChatDaemon.Systemd;

/// <summary>
/// Keeps STATUS= current: polls the registered <see cref="IServiceStatusSource"/> once per
/// <see cref="Interval"/> and sends the text when it changed, so systemd is told at most once a second
/// however busy the service is. Does nothing without a source or outside systemd.
/// </summary>
public sealed class SystemdStatusPublisher : BackgroundService
{
    /// <summary>How often the source is polled (and so the most often STATUS= is sent).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ISystemdNotifier _notifier;
    private readonly IServiceStatusSource? _source;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private string? _lastSent;

    public SystemdStatusPublisher(ISystemdNotifier notifier, TimeProvider timeProvider, IServiceStatusSource? source = null)
    {
        _notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _source = source;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_source is null || !_notifier.IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, _timeProvider);
        try
        {
            do
            {
                PublishIfChanged();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Sends the source's status now if it differs from the last one sent, e.g. right after a rejected
    /// reload; returns whether it sent.
    /// </summary>
    public bool PublishIfChanged()
    {
        string? status = _source?.CurrentStatus;
        lock (_lock)
        {
            if (status is null || status == _lastSent)
            {
                return false;
            }

            _lastSent = status;
            _notifier.Notify(ServiceState.Status(status));
            return true;
        }
    }
}
