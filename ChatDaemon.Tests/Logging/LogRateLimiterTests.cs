using ChatDaemon.Logging;
using Xunit;

namespace ChatDaemon.Tests.Logging;

public class LogRateLimiterTests
{
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void A_burst_passes_then_events_are_suppressed_and_counted_until_tokens_refill()
    {
        var time = new ManualTime();
        var limiter = new LogRateLimiter(perSecond: 2, burst: 3, time);

        var allowed = Enumerable.Range(0, 10).Count(_ => limiter.TryEnter(out long _));
        Assert.Equal(3, allowed);

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(limiter.TryEnter(out var suppressed));
        Assert.Equal(7, suppressed);
        Assert.False(limiter.TryEnter(out long _));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.TryEnter(out suppressed));
        Assert.Equal(1, suppressed);
        Assert.True(limiter.TryEnter(out suppressed));
        Assert.Equal(0, suppressed);
    }

    [Fact]
    public void Idle_time_never_builds_more_than_the_burst()
    {
        var time = new ManualTime();
        var limiter = new LogRateLimiter(perSecond: 100, burst: 2, time);

        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => limiter.TryEnter(out long _)));
    }
}
