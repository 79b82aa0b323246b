using System.Runtime.InteropServices;
using ChatDaemon.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Hosting;

/// <summary>
/// SIGHUP reloads the configuration; SIGUSR1 stops gracefully like SIGTERM (the convention of
/// classic chat daemons). SIGTERM and SIGINT are the host lifetime's.
/// </summary>
internal sealed class SignalHandlers(IConfigurationReloader reloader, IHostApplicationLifetime lifetime, ILogger<SignalHandlers> logger) : IHostedService, IDisposable
{
    // signal(7): SIGUSR1 is 10 on x86 and ARM Linux; PosixSignal takes raw numbers cast to it.
    private const PosixSignal SIGUSR1 = (PosixSignal)10;

    private readonly List<PosixSignalRegistration> _registrations = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup));
        _registrations.Add(PosixSignalRegistration.Create(SIGUSR1, OnUser1));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnHangup(PosixSignalContext context)
    {
        context.Cancel = true; // the default action of SIGHUP is to terminate
        HostingLog.SignalReceived(logger, "SIGHUP");
        _ = ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        try
        {
            await reloader.ReloadAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping; the reload no longer matters.
        }
        catch (Exception ex)
        {
            HostingLog.ReloadFailed(logger, ex);
        }
    }

    private void OnUser1(PosixSignalContext context)
    {
        context.Cancel = true;
        HostingLog.SignalReceived(logger, "SIGUSR1");
        lifetime.StopApplication();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
