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
    public void A_status_too_long_for_systemd_is_shortened_so_the_notification_is_not_dropped()
    {
        string sent = ServiceState.Status(new string('é', 100_000)).ToString();
        Assert.StartsWith("STATUS=éé", sent);
        Assert.EndsWith("…", sent);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(sent) < 4096 - 64, "room is left for READY=1 and other fields");
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
