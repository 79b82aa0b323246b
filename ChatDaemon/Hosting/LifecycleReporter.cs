using ChatDaemon.Networking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Hosting;

/// <summary>Logs the lifecycle: ready (every listener bound), stopping, stopped.</summary>
internal sealed class LifecycleReporter(IHostApplicationLifetime lifetime, ListenerSet listeners, ILogger<LifecycleReporter> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        HostingLog.Starting(logger, ServerHost.Version, Environment.ProcessId);
        lifetime.ApplicationStarted.Register(() => HostingLog.Ready(
            logger,
            string.Join(", ", listeners.Bound),
            ProcessAge.Milliseconds(),
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            (long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds));
        lifetime.ApplicationStopping.Register(() => HostingLog.Stopping(logger));
        lifetime.ApplicationStopped.Register(() => HostingLog.Stopped(logger));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
