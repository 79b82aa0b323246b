using ChatDaemon.Systemd;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class ServiceStateTests
{
    [Fact]
    public void Status_text_cannot_inject_further_assignments()
    {
        Assert.Equal("STATUS=ok READY=1", ServiceState.Status("ok\nREADY=1").ToString());
    }

    [Fact]
    public void Reloading_carries_the_real_monotonic_clock_in_microseconds()
    {
        long before = Environment.TickCount64 * 1000;
        string state = ServiceState.Reloading().ToString();
        long after = Environment.TickCount64 * 1000;

        Assert.StartsWith("RELOADING=1\nMONOTONIC_USEC=", state);
        long usec = long.Parse(state["RELOADING=1\nMONOTONIC_USEC=".Length..]);
        // Environment.TickCount64 is CLOCK_MONOTONIC in milliseconds on Linux (coarse, hence the slack).
        Assert.InRange(usec, before - 20_000, after + 20_000);
    }

    [Fact]
    public void Extend_timeout_is_in_microseconds()
    {
        Assert.Equal("EXTEND_TIMEOUT_USEC=250000", ServiceState.ExtendTimeout(TimeSpan.FromMilliseconds(250)).ToString());
    }
}
