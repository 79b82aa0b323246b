using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Systemd;

/// <summary>
/// The host lifetime of a systemd service, like Microsoft.Extensions.Hosting.Systemd's SystemdLifetime:
/// READY=1 once the application has started (every hosted service's StartAsync has returned, so every
/// listener is bound or adopted), STOPPING=1 when stopping begins, and SIGTERM/SIGINT stop the host
/// gracefully (systemd.kill(5): KillSignal= defaults to SIGTERM), so the process exits with 0 and
/// systemd records Result=success. SIGHUP and SIGUSR1 are left to the application.
/// </summary>
public sealed class SystemdLifetime : IHostLifetime, IDisposable
{
    private readonly IHostApplicationLifetime _applicationLifetime;
    private readonly ISystemdNotifier _notifier;
    private readonly ILogger _logger;
    private readonly List<IDisposable> _registrations = [];

    public SystemdLifetime(
        IHostApplicationLifetime applicationLifetime,
        ISystemdNotifier notifier,
        ILogger<SystemdLifetime> logger)
    {
        _applicationLifetime = applicationLifetime ?? throw new ArgumentNullException(nameof(applicationLifetime));
        _notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(_applicationLifetime.ApplicationStarted.Register(OnApplicationStarted));
        _registrations.Add(_applicationLifetime.ApplicationStopping.Register(OnApplicationStopping));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnApplicationStarted()
    {
        SystemdLog.ReadyNotified(_logger);
        _notifier.Notify(ServiceState.Ready);
    }

    private void OnApplicationStopping() => _notifier.Notify(ServiceState.Stopping);

    private void OnStopSignal(PosixSignalContext context)
    {
        // Cancel the runtime's default handling (terminating the process with 128+signal): the host
        // drains and returns from Main with exit code 0 instead.
        context.Cancel = true;
        SystemdLog.StopSignalReceived(_logger, context.Signal.ToString());
        _applicationLifetime.StopApplication();
    }

    public void Dispose()
    {
        foreach (IDisposable registration in _registrations)
        {
            registration.Dispose();
        }

        _registrations.Clear();
    }
}
