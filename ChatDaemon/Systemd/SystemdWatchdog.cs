using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Systemd;

/// <summary>
/// Sends WATCHDOG=1 every half WatchdogSec= while every <see cref="IWatchdogProbe"/> reports progress.
/// A health-gated ping, not a free-running timer: if the application hangs, the pings stop and systemd
/// kills the service with SIGABRT and restarts it (systemd.service(5) WatchdogSec=, Result=watchdog).
/// </summary>
public sealed class SystemdWatchdog : BackgroundService
{
    private readonly ISystemdNotifier _notifier;
    private readonly IWatchdogProbe[] _probes;
    private readonly SystemdWatchdogSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private bool _withholding;

    public SystemdWatchdog(
        ISystemdNotifier notifier,
        IEnumerable<IWatchdogProbe> probes,
        SystemdWatchdogSettings settings,
        TimeProvider timeProvider,
        ILogger<SystemdWatchdog> logger)
    {
        _notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));
        _probes = probes?.ToArray() ?? throw new ArgumentNullException(nameof(probes));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_settings.PingInterval is not TimeSpan interval || !_notifier.IsEnabled)
        {
            return;
        }

        SystemdLog.WatchdogEnabled(_logger, _settings.Timeout!.Value, interval, _probes.Length);
        using var timer = new PeriodicTimer(interval, _timeProvider);
        try
        {
            do
            {
                PingIfHealthy();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping: systemd stops expecting pings once STOPPING=1 was sent.
        }
    }

    /// <summary>Sends WATCHDOG=1 if every probe reports progress; returns whether it did.</summary>
    internal bool PingIfHealthy()
    {
        List<string>? stalled = null;
        foreach (IWatchdogProbe probe in _probes)
        {
            bool progressing;
            try
            {
                progressing = probe.IsMakingProgress();
            }
            catch (Exception exception)
            {
                SystemdLog.WatchdogProbeFailed(_logger, probe.Name, exception);
                progressing = false;
            }

            if (!progressing)
            {
                (stalled ??= []).Add(probe.Name);
            }
        }

        if (stalled is not null)
        {
            if (!_withholding)
            {
                _withholding = true;
                SystemdLog.WatchdogWithheld(_logger, string.Join(", ", stalled));
            }

            return false;
        }

        if (_withholding)
        {
            _withholding = false;
            SystemdLog.WatchdogResumed(_logger);
        }

        _notifier.Notify(ServiceState.Watchdog);
        return true;
    }
}
