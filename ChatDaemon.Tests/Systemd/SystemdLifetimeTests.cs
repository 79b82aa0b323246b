using ChatDaemon.Systemd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class SystemdLifetimeTests
{
    /// <summary>Records, at StartAsync, what the notify socket had received so far.</summary>
    private sealed class ListenerStandIn(NotifySocketReceiver receiver) : IHostedService
    {
        public List<string> SeenAtStart { get; } = [];

        public Task StartAsync(CancellationToken cancellationToken)
        {
            SeenAtStart.AddRange(receiver.Drain());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task Ready_is_sent_only_after_hosted_services_started_and_stopping_when_the_host_stops()
    {
        using var receiver = NotifySocketReceiver.InDirectory();
        var environment = new FakeProcessEnvironment().With("NOTIFY_SOCKET", receiver.NotifySocket);
        var listener = new ListenerStandIn(receiver);
        using IHost host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSystemdService(environment);
                services.AddSingleton<IHostedService>(listener);
            })
            .Build();

        await host.StartAsync();
        Assert.Equal("READY=1", await receiver.ReceiveAsync());
        Assert.Empty(listener.SeenAtStart);

        await host.StopAsync();
        Assert.Equal("STOPPING=1", await receiver.ReceiveAsync());
        Assert.Empty(receiver.Drain());
    }
}
