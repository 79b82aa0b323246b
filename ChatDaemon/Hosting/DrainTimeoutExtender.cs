using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Hosting;

namespace ChatDaemon.Hosting;

/// <summary>
/// While a stop drains connections and the count keeps falling, asks systemd for more time
/// (EXTEND_TIMEOUT_USEC=, systemd 236+), so a long but healthy drain is not killed by TimeoutStopSec=;
/// a drain that stalls gets no extension and systemd's timeout applies.
/// </summary>
internal sealed class DrainTimeoutExtender(ISystemdNotifier notifier, ConnectionServer server, IHostApplicationLifetime lifetime, TimeProvider time) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopped = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (notifier.IsEnabled)
        {
            lifetime.ApplicationStopping.Register(() => _ = WatchDrainAsync());
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose() => _stopped.Dispose();

    private async Task WatchDrainAsync()
    {
        var extender = new ProgressTimeoutExtender(notifier, time, TimeSpan.FromSeconds(10));
        int last = server.ActiveConnections;
        try
        {
            while (last > 0 && !_stopped.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, _stopped.Token).ConfigureAwait(false);
                int now = server.ActiveConnections;
                if (now < last)
                {
                    extender.ReportProgress();
                }

                last = now;
            }
        }
        catch (OperationCanceledException)
        {
            // The host finished stopping.
        }
    }
}
