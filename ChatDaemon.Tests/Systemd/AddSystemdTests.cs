using ChatDaemon.Systemd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class AddSystemdTests
{
    private static ServiceProvider Build(FakeProcessEnvironment environment)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, FakeApplicationLifetime>();
        services.AddSystemd(environment);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Outside_systemd_the_notifier_is_disabled_and_there_are_no_sockets_nor_lifetime_nor_watchdog()
    {
        using var provider = Build(new FakeProcessEnvironment());

        Assert.False(provider.GetRequiredService<ISystemdNotifier>().IsEnabled);
        Assert.Empty(provider.GetRequiredService<ISystemdSocketActivation>().Sockets);
        Assert.Null(provider.GetService<IHostLifetime>());
        Assert.Empty(provider.GetServices<IHostedService>());
    }

    [Fact]
    public void As_a_service_the_lifetime_notifier_and_watchdog_are_registered()
    {
        using var receiver = NotifySocketReceiver.InDirectory();
        var environment = new FakeProcessEnvironment().With("NOTIFY_SOCKET", receiver.NotifySocket).With("WATCHDOG_USEC", "4000000");
        using var provider = Build(environment);

        Assert.IsType<SystemdLifetime>(provider.GetRequiredService<IHostLifetime>());
        Assert.True(provider.GetRequiredService<ISystemdNotifier>().IsEnabled);
        Assert.Same(provider.GetRequiredService<SystemdNotifier>(), provider.GetRequiredService<ISystemdNotifier>());
        Assert.Contains(provider.GetServices<IHostedService>(), service => service is SystemdWatchdog);
        Assert.IsType<ThreadPoolWatchdogProbe>(Assert.Single(provider.GetServices<IWatchdogProbe>()));
        Assert.Equal(TimeSpan.FromSeconds(4), provider.GetRequiredService<SystemdWatchdogSettings>().Timeout);
        Assert.Empty(provider.GetRequiredService<ISystemdSocketActivation>().Sockets);
    }

    private sealed class FakeApplicationLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
