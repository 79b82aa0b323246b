using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Systemd;

/// <summary>
/// Registration of the systemd integration, shaped like Microsoft.Extensions.Hosting.Systemd's AddSystemd() and named
/// apart from it (both packages' extensions would otherwise be ambiguous wherever both namespaces are in use).
/// </summary>
public static class SystemdServiceCollectionExtensions
{
    /// <summary>
    /// As a systemd service: <see cref="SystemdLifetime"/> as the host lifetime, the <see cref="ISystemdNotifier"/>,
    /// the passed sockets (<see cref="ISystemdSocketActivation"/>), the health-gated <see cref="SystemdWatchdog"/>
    /// (with a <see cref="ThreadPoolWatchdogProbe"/>; add your own <see cref="IWatchdogProbe"/> singletons).
    /// Otherwise only a disabled notifier and an empty socket list, so the application can always inject them.
    /// </summary>
    public static IServiceCollection AddSystemdService(this IServiceCollection services) =>
        services.AddSystemdService(ProcessEnvironment.Instance, SystemdEnvironment.IsSystemdService());

    /// <summary>Registers against an explicit environment (tests, or an embedding that knows better).</summary>
    public static IServiceCollection AddSystemdService(this IServiceCollection services, IProcessEnvironment environment) =>
        services.AddSystemdService(environment, SystemdEnvironment.IsSystemdService(environment));

    private static IServiceCollection AddSystemdService(this IServiceCollection services, IProcessEnvironment environment, bool isSystemdService)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);

        services.TryAddSingleton(environment);
        services.TryAddSingleton<IMonotonicClock>(MonotonicClock.System);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SystemdNotifier>();
        services.TryAddSingleton<ISystemdNotifier>(provider => provider.GetRequiredService<SystemdNotifier>());
        // The ecosystem's abstraction resolves to the same notifier (not the package's own, which throws when the
        // socket is gone and leaves NOTIFY_SOCKET to child processes; README "Dependencies").
        services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier>(provider => provider.GetRequiredService<SystemdNotifier>());
        services.TryAddSingleton<IFileDescriptorStore>(provider => new FileDescriptorStore(
            provider.GetRequiredService<SystemdNotifier>().EndPoint,
            provider.GetRequiredService<ILogger<FileDescriptorStore>>()));
        services.TryAddSingleton<IServiceManagerQuery, ServiceManagerQuery>();

        if (!isSystemdService)
        {
            services.TryAddSingleton(SystemdSocketActivation.None);
            return services;
        }

        // Replaces ConsoleLifetime: under systemd, SIGTERM/SIGINT are handled here and readiness is notified.
        services.AddSingleton<IHostLifetime, SystemdLifetime>();
        services.TryAddSingleton<ISystemdSocketActivation, SystemdSocketActivation>();
        services.TryAddSingleton(provider => SystemdWatchdogSettings.Read(
            provider.GetRequiredService<IProcessEnvironment>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<SystemdWatchdog>()));
        services.AddHostedService<SystemdWatchdog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWatchdogProbe, ThreadPoolWatchdogProbe>());
        return services;
    }
}
