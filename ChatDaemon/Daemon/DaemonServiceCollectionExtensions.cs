using ChatDaemon.Configuration;
using ChatDaemon.Control;
using ChatDaemon.Networking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Daemon;

/// <summary>Registration of the daemon mode in the host.</summary>
public static class DaemonServiceCollectionExtensions
{
    /// <summary>
    /// Adds the privilege drop (after listeners are bound), the readiness report to a waiting
    /// <c>--daemon</c> parent, and the control socket (<c>reload</c>/<c>status</c>; needs an
    /// <see cref="ChatDaemon.Configuration.IConfigurationReloader"/> in DI). The control socket path
    /// follows <see cref="ControlSocketPath"/>.
    /// </summary>
    public static IServiceCollection AddDaemonSession(this IServiceCollection services, DaemonSession session)
    {
        services.TryAddSingleton(session);
        services.AddHostedService<DaemonLifecycleService>();
        services.AddOptions<ControlSocketOptions>().Configure(o =>
            o.Path ??= ControlSocketPath.Resolve(session.CommandLine.ControlSocketPath, session.CommandLine.PidFilePath));
        services.AddClosedOptions<ControlSocketOptions>();
        services.TryAddSingleton<ControlSocketService>();

        // Restart and upgrade by re-execution, keeping every connection (ExecHandover), and this image's side
        // of one that happened (InheritedHandover).
        services.AddSingleton(sp => new InheritedHandover(session, sp.GetRequiredService<ILogger<InheritedHandover>>()));
        services.AddSingleton<IListenerInheritance>(sp => sp.GetRequiredService<InheritedHandover>());
        services.AddSingleton<IConnectionInheritance>(sp => sp.GetRequiredService<InheritedHandover>());
        services.AddSingleton<ExecHandover>();
        services.AddSingleton<IHandoverRequests>(sp => sp.GetRequiredService<ExecHandover>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ExecHandover>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ControlSocketService>());
        return services;
    }
}
