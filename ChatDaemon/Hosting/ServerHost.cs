using System.Reflection;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Echo;
using ChatDaemon.Logging;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Hosting;

/// <summary>Builds the Generic Host that runs the server.</summary>
public static class ServerHost
{
    public static string Version { get; } =
        typeof(ServerHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// The host for <paramref name="inputs"/>, serving the configuration <paramref name="snapshot"/> already read from them.
    /// <paramref name="configure"/> lets the caller (and tests) add or replace services.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(ConfigurationInputs inputs, IDictionary<string, string?> snapshot)
    {
        // No defaults: they add appsettings.json with a file watcher on the content root, and under
        // systemd the working directory is "/", which was measured to cost over a second at every start.
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "chatdaemon",
            ContentRootPath = AppContext.BaseDirectory,
        });

        var source = new SnapshotConfigurationSource(snapshot);
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(source);

        var services = builder.Services;
        services.AddSingleton(inputs);
        services.AddSingleton(source.Provider);
        services.AddSingleton(TimeProvider.System);
        services.AddServerOptions(builder.Configuration);
        services.Configure<HostOptions>(o =>
        {
            // The server bounds its own drain (Shutdown:DrainTimeoutSeconds, at most an hour); this only backs it up.
            o.ShutdownTimeout = TimeSpan.FromSeconds(3600 + 15);
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        // Serilog: journald's native protocol under systemd, stderr otherwise, syslog when configured.
        // Throws OptionsValidationException for a bad Logging section (exit 78).
        builder.Logging.AddChatDaemonLogging(builder.Configuration, SystemdEnvironment.IsSystemdService());
        services.AddCheckedOptions<ChatDaemonLoggingOptions, ChatDaemonLoggingOptionsValidator>(builder.Configuration, ChatDaemonLoggingOptions.SectionName);

        // Transport: Kestrel's sockets without HTTP. Zero-byte reads keep idle connections buffer-free.
        services.Configure<SocketTransportOptions>(o =>
        {
            o.WaitForDataBeforeAllocatingBuffer = true;
            o.NoDelay = true;
        });
        services.AddSingleton<IConnectionListenerFactory, SocketTransportFactory>();
        // Under systemd: sd_notify, the passed sockets (replacing the configured listeners), the
        // health-gated watchdog and SystemdLifetime; elsewhere a disabled notifier and no sockets.
        services.AddSystemd();
        services.AddSingleton<IInheritedListeners, ServiceManagerListeners>();
        services.AddSingleton<IWatchdogProbe, AcceptLoopProbe>();
        services.AddSingleton<IWatchdogProbe, ChatDispatchProbe>();
        services.AddSingleton<ListenerSet>();
        services.AddSingleton<IReloadParticipant>(sp => sp.GetRequiredService<ListenerSet>());
        services.AddSingleton<ConnectionAdmission>();

        services.AddSingleton<ChatHub>();
        services.AddSingleton<ChatSettings>();
        services.AddSingleton<ChatLimitLog>();
        services.AddKeyedSingleton<IConnectionHandler, ChatConnectionHandler>(ListenerProtocol.Chat);
        services.AddKeyedSingleton<IConnectionHandler, EchoConnectionHandler>(ListenerProtocol.Echo);

        services.AddSingleton<IConfigurationReloader, ConfigurationReloader>();

        services.AddSingleton<ServiceStatusReporter>();
        services.AddSingleton<IReloadObserver>(sp => sp.GetRequiredService<ServiceStatusReporter>());
        services.AddSingleton<ChatDaemon.Control.IControlStatusSource>(sp => sp.GetRequiredService<ServiceStatusReporter>());

        // Hosted services stop in reverse order: the server drains first, while the others still run.
        services.AddHostedService<LifecycleReporter>();
        services.AddHostedService<SignalHandlers>();
        services.AddHostedService(sp => sp.GetRequiredService<ServiceStatusReporter>());
        services.AddHostedService<DrainTimeoutExtender>();
        services.AddSingleton<ConnectionServer>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionServer>());
        return builder;
    }
}
