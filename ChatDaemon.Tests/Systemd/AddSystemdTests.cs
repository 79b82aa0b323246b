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
        services.AddSystemdService(environment);
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
        Assert.Same(provider.GetRequiredService<SystemdNotifier>(), provider.GetRequiredService<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier>());
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

    [Fact]
    public async Task Code_written_against_the_ecosystems_notifier_reaches_systemd_through_ours()
    {
        using var receiver = NotifySocketReceiver.InDirectory();
        using var provider = Build(new FakeProcessEnvironment().With("NOTIFY_SOCKET", receiver.NotifySocket));
        var notifier = provider.GetRequiredService<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier>();

        Assert.True(notifier.IsEnabled);
        notifier.Notify(new Microsoft.Extensions.Hosting.Systemd.ServiceState("STATUS=from the ecosystem's interface"));
        Assert.Equal("STATUS=from the ecosystem's interface", await receiver.ReceiveAsync());
    }

    [Fact]
    public void Through_the_ecosystems_interface_a_socket_that_is_gone_does_not_throw()
    {
        string gone = Path.Combine(Path.GetTempPath(), $"chatdaemon-no-notify-{Guid.NewGuid():N}");
        using var provider = Build(new FakeProcessEnvironment().With("NOTIFY_SOCKET", gone));
        var notifier = provider.GetRequiredService<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier>();

        notifier.Notify(Microsoft.Extensions.Hosting.Systemd.ServiceState.Ready);
        Assert.True(notifier.IsEnabled);
    }
}
