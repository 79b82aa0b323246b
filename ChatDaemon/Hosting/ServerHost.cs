using System.Reflection;
using ChatDaemon.Backplane.Redis;
using ChatDaemon.Chat;
using ChatDaemon.Chat.Irc;
using ChatDaemon.Chat.Line;
using ChatDaemon.Configuration;
using ChatDaemon.Echo;
using ChatDaemon.Logging;
using ChatDaemon.Networking;
using ChatDaemon.Networking.Epoll;
using ChatDaemon.Systemd;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Hosting;

/// <summary>Builds the Generic Host that runs the server.</summary>
public static class ServerHost
{
    public static string Version { get; } =
        typeof(ServerHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// The host for <paramref name="inputs"/>, serving the configuration <paramref name="snapshot"/> already read from them.
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

        AddConfiguration(builder, inputs, snapshot);

        // Serilog: journald's native protocol under systemd, stderr otherwise, syslog when configured.
        // Throws OptionsValidationException for a bad Logging section (exit 78).
        builder.Logging.AddChatDaemonLogging(builder.Configuration, SystemdEnvironment.IsSystemdService());
        // AddChatDaemonLogging registers the options and their validator; reload and check-config use them too.
        builder.Services.AddOptionsCheck<ChatDaemonLoggingOptions>(ChatDaemonLoggingOptions.SectionName, static (c, o) => c.Bind(o));

        AddServer(builder.Services, builder.Configuration["Backplane:Kind"]);
        AddServiceManager(builder.Services);
        AddLifecycle(builder.Services);
        return builder;
    }

    private static void AddConfiguration(HostApplicationBuilder builder, ConfigurationInputs inputs, IDictionary<string, string?> snapshot)
    {
        var source = new SnapshotConfigurationSource(snapshot);
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(source);

        var services = builder.Services;
        services.AddSingleton(inputs);
        services.AddSingleton(source.Provider);
        services.AddSingleton(TimeProvider.System);
        services.AddServerOptions(builder.Configuration);
        services.AddCheckedOptions<ChatOptions, ChatOptionsValidator>(builder.Configuration, "Chat", static (c, o) => c.Bind(o));
        services.AddCheckedOptions<IrcOptions, IrcOptionsValidator>(builder.Configuration, "Irc", static (c, o) => c.Bind(o));
        services.AddCheckedOptions<BackplaneOptions, BackplaneOptionsValidator>(builder.Configuration, "Backplane", static (c, o) => c.Bind(o));
        services.AddSingleton<ConfigurationReloader>();
        services.AddSingleton<IConfigurationReloader>(sp => sp.GetRequiredService<ConfigurationReloader>());
        services.Configure<HostOptions>(o =>
        {
            // The server bounds its own drain (Shutdown:DrainTimeoutSeconds, at most an hour); this only backs it up.
            o.ShutdownTimeout = TimeSpan.FromSeconds(3600 + 15);
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        // The host's and logging's own options, resolved at every start (ClosedOptions says why).
        services.AddClosedOptions<HostOptions>()
            .AddClosedOptions<ConsoleLifetimeOptions>()
            .AddClosedOptions<LoggerFactoryOptions>()
            .AddClosedOptions<LoggerFilterOptions>()
            .AddClosedOptions<Microsoft.Extensions.Diagnostics.Metrics.MetricsOptions>();
    }

    /// <summary>Listeners on the configured transport (ours, or Kestrel's without HTTP), admission, and the chat and echo protocols.</summary>
    private static void AddServer(IServiceCollection services, string? backplaneKind)
    {
        services.AddSingleton<IConnectionListenerFactory>(sp => sp.GetRequiredService<IOptions<TransportOptions>>().Value.Kind switch
        {
            TransportKind.Sockets => CreateKestrelSocketTransport(sp.GetRequiredService<ILoggerFactory>()),
            _ => new EpollTransportFactory(sp.GetRequiredService<IOptions<TransportOptions>>(), sp.GetRequiredService<ILogger<EpollTransportFactory>>()),
        });
        services.AddSingleton<IConnectionAdopter>(sp => sp.GetRequiredService<IConnectionListenerFactory>() as IConnectionAdopter
            ?? CreateKestrelSocketAdopter(sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ListenerSet>();
        services.AddSingleton<IReloadParticipant>(sp => sp.GetRequiredService<ListenerSet>());
        services.AddSingleton<ConnectionAdmission>();
        services.AddSingleton<TlsAcceptor>();

        // Backplane:Kind needs a restart, so the choice made here holds for the process. With None nothing of the
        // Redis client is registered or loaded (its registration is a method of its own, compiled only if called).
        if (RedisBackplaneFeature.IsSupported && Enum.TryParse<BackplaneKind>(backplaneKind, ignoreCase: true, out var backplane) && backplane == BackplaneKind.Redis)
        {
            AddRedisBackplane(services);
        }

        services.AddSingleton(static sp => new ChatHub(sp.GetService<IMemberObserver>(), sp.GetService<IChatBackplane>()));
        services.AddSingleton<ChatSettings>();
        services.AddSingleton<ChatLimitLog>();
        services.AddKeyedSingleton<IConnectionHandler, LineConnectionHandler>(ListenerProtocol.Chat);
        services.AddKeyedSingleton<IConnectionHandler, EchoConnectionHandler>(ListenerProtocol.Echo);
        services.AddKeyedSingleton<IConnectionHandler, IrcConnectionHandler>(ListenerProtocol.Irc);
    }

    // Kept out of line so the Redis client's assembly is loaded only when the backplane is Redis. The container
    // disposes the backplane (its connection) when the host is disposed.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddRedisBackplane(IServiceCollection services) =>
        services.AddSingleton<IChatBackplane>(static sp => new RedisChatBackplane(
            sp.GetRequiredService<IOptions<BackplaneOptions>>().Value.Redis,
            sp.GetRequiredService<ILogger<RedisChatBackplane>>()));

    // Kept out of line so Kestrel's transport assembly is loaded only when it is chosen (a cold start loads
    // nothing it does not use); the same for adopting connections on that transport.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Called once at start-up; returning the interface keeps Kestrel's transport type out of the callers, as NoInlining intends.")]
    private static IConnectionAdopter CreateKestrelSocketAdopter(ILoggerFactory loggerFactory) => new SocketsConnectionAdopter(loggerFactory);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Called once at start-up; returning the interface keeps Kestrel's transport type out of the callers, as NoInlining intends.")]
    private static IConnectionListenerFactory CreateKestrelSocketTransport(ILoggerFactory loggerFactory) =>
        new SocketTransportFactory(
            Options.Create(new SocketTransportOptions
            {
                // Zero-byte reads keep idle connections free of buffers.
                WaitForDataBeforeAllocatingBuffer = true,
                NoDelay = true,
            }),
            loggerFactory);

    /// <summary>
    /// Under systemd: sd_notify, the passed sockets (replacing the configured listeners), the
    /// health-gated watchdog and SystemdLifetime; elsewhere a disabled notifier and no sockets.
    /// </summary>
    private static void AddServiceManager(IServiceCollection services)
    {
        // Ours, not Microsoft.Extensions.Hosting.Systemd's AddSystemdService() of the same name (its lifetime handles
        // SIGTERM only, and its notifier throws when the socket is gone): README "Dependencies".
        services.AddSystemdService();
        services.AddSingleton<IInheritedListeners, ServiceManagerListeners>();
        services.AddSingleton<IWatchdogProbe, AcceptLoopProbe>();
        services.AddSingleton<IWatchdogProbe, ChatDispatchProbe>();
        services.AddSingleton<ServiceStatusReporter>();
        services.AddSingleton<IReloadParticipant>(sp => sp.GetRequiredService<ServiceStatusReporter>());
        services.AddSingleton(sp => new ReloadAcknowledgementFile(
            Systemd.RuntimeDirectory.FromEnvironment(),
            Environment.ProcessId,
            sp.GetRequiredService<ILogger<ReloadAcknowledgementFile>>()));
        services.AddSingleton<IReloadParticipant>(sp => sp.GetRequiredService<ReloadAcknowledgementFile>());
        services.AddSingleton<ChatDaemon.Control.IControlStatusSource>(sp => sp.GetRequiredService<ServiceStatusReporter>());
    }

    /// <summary>Hosted services, in start order; they stop in reverse, so the server drains first while the others still run.</summary>
    private static void AddLifecycle(IServiceCollection services)
    {
        services.AddHostedService<LifecycleReporter>();
        // Written before SIGHUP is handled and before READY=1: ExecReload= can find it from then on.
        services.AddHostedService(sp => sp.GetRequiredService<ReloadAcknowledgementFile>());
        services.AddHostedService<SignalHandlers>();
        services.AddHostedService(sp => sp.GetRequiredService<ServiceStatusReporter>());
        services.AddHostedService<DrainTimeoutExtender>();
        services.AddHostedService<ReloadRehearsal>();
        services.AddHostedService<IdleMemoryTrimmer>();
        services.AddSingleton<KeptConnections>();
        services.AddSingleton<KeptMemberStates>();
        services.AddSingleton<IMemberObserver>(sp => sp.GetRequiredService<KeptMemberStates>());
        services.AddSingleton<IConnectionKeeper>(sp => sp.GetRequiredService<KeptConnections>());
        services.AddHostedService<ConnectionContinuity>();
        services.AddSingleton<ConnectionServer>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionServer>());
    }
}
