using System.Net;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Tests.Networking;

public sealed class ConnectionAdmissionTests
{
    private sealed class FixedLimits(LimitsOptions value) : IOptionsMonitor<LimitsOptions>
    {
        public LimitsOptions CurrentValue => value;

        public LimitsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LimitsOptions, string?> listener) => null;
    }

    [Fact]
    public void Connections_are_refused_over_the_total_and_per_address_limits_and_released()
    {
        var admission = new ConnectionAdmission(new FixedLimits(new LimitsOptions { MaxConnections = 3, MaxConnectionsPerAddress = 2 }));
        var a = IPAddress.Parse("10.0.0.1");
        var b = IPAddress.Parse("10.0.0.2");
        Assert.Equal(AdmissionResult.Admitted, admission.TryAdmit(a));
        Assert.Equal(AdmissionResult.Admitted, admission.TryAdmit(a));
        Assert.Equal(AdmissionResult.TooManyFromAddress, admission.TryAdmit(a));
        Assert.Equal(AdmissionResult.Admitted, admission.TryAdmit(b));
        Assert.Equal(AdmissionResult.ServerFull, admission.TryAdmit(b));
        Assert.Equal(3, admission.Total);

        admission.Release(a);
        Assert.Equal(AdmissionResult.Admitted, admission.TryAdmit(a));
        Assert.Equal(3, admission.Total);
    }

    [Fact]
    public void Unix_socket_clients_count_in_total_only()
    {
        var admission = new ConnectionAdmission(new FixedLimits(new LimitsOptions { MaxConnections = 0, MaxConnectionsPerAddress = 1 }));
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(AdmissionResult.Admitted, admission.TryAdmit(null));
        }

        Assert.Equal(100, admission.Total);
    }

    [Fact]
    public async Task Concurrent_admissions_never_pass_the_limit()
    {
        var admission = new ConnectionAdmission(new FixedLimits(new LimitsOptions { MaxConnections = 50, MaxConnectionsPerAddress = 0 }));
        int admitted = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                if (admission.TryAdmit(IPAddress.Loopback) == AdmissionResult.Admitted)
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        })));
        Assert.Equal(50, admitted);
    }
}
