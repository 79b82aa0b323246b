using ChatDaemon.Systemd;

namespace ChatDaemon.Tests.Systemd;

internal sealed class FakeMonotonicClock(long microseconds) : IMonotonicClock
{
    public long MonotonicMicroseconds { get; set; } = microseconds;
}
