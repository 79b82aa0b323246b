using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class SystemdWatchdogSettingsTests
{
    [Fact]
    public void Watchdog_usec_sets_the_timeout_and_the_ping_interval_is_half_of_it()
    {
        var environment = new FakeProcessEnvironment(10).With("WATCHDOG_USEC", "20000000").With("WATCHDOG_PID", "10");

        var settings = SystemdWatchdogSettings.Read(environment, NullLogger.Instance);

        Assert.Equal(TimeSpan.FromSeconds(20), settings.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.PingInterval);
        Assert.Equal(["WATCHDOG_USEC", "WATCHDOG_PID"], environment.Unset);
    }

    [Fact]
    public void Without_watchdog_pid_the_watchdog_is_ours() =>
        Assert.Equal(TimeSpan.FromSeconds(3),
            SystemdWatchdogSettings.Read(new FakeProcessEnvironment(10).With("WATCHDOG_USEC", "3000000"), NullLogger.Instance).Timeout);

    [Theory]
    [InlineData("11")]
    [InlineData("garbage")]
    public void A_watchdog_for_another_pid_or_a_bad_pid_is_disabled_and_still_unset(string pid)
    {
        var environment = new FakeProcessEnvironment(10).With("WATCHDOG_USEC", "3000000").With("WATCHDOG_PID", pid);

        Assert.Null(SystemdWatchdogSettings.Read(environment, NullLogger.Instance).Timeout);
        Assert.Null(environment.GetVariable("WATCHDOG_USEC"));
        Assert.Null(environment.GetVariable("WATCHDOG_PID"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1s")]
    [InlineData("")]
    public void A_malformed_timeout_disables_the_watchdog(string usec) =>
        Assert.Null(SystemdWatchdogSettings.Read(new FakeProcessEnvironment(10).With("WATCHDOG_USEC", usec), NullLogger.Instance).Timeout);
}
