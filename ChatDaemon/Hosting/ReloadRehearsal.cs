using ChatDaemon.Configuration;
using Microsoft.Extensions.Hosting;

namespace ChatDaemon.Hosting;

/// <summary>
/// A second after start, reads and validates the configuration once the way a reload does
/// (<see cref="ConfigurationReloader.Rehearse"/>), so that the first `systemctl reload` costs what the
/// later ones do instead of compiling the reload path first. Not sooner: just after READY=1 a
/// socket-activated daemon is serving the connection that started it.
/// </summary>
internal sealed class ReloadRehearsal(ConfigurationReloader reloader, IHostApplicationLifetime lifetime, TimeProvider time) : IHostedService, IDisposable
{
    internal static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _timer = time.CreateTimer(_ => Rehearse(), null, Delay, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Rehearse()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            reloader.Rehearse();
        }
        catch (Exception)
        {
            // Whatever fails here fails the real reload too, which reports it; a rehearsal only warms up.
        }
    }

    public void Dispose() => _timer?.Dispose();
}
