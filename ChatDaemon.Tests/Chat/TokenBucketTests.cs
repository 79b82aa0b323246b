using ChatDaemon.Tests.TestSupport;
using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class TokenBucketTests
{
    [Fact]
    public void A_full_bucket_allows_the_burst_then_says_how_long_to_wait()
    {
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(time);
        for (int i = 0; i < 20; i++)
        {
            Assert.True(bucket.TryTake(10, 20, out _));
        }

        Assert.False(bucket.TryTake(10, 20, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
    }

    [Fact]
    public void Tokens_return_at_the_rate_and_never_above_the_burst()
    {
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(time);
        for (int i = 0; i < 5; i++)
        {
            bucket.TryTake(10, 5, out _);
        }

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.True(bucket.TryTake(10, 5, out _));
        Assert.True(bucket.TryTake(10, 5, out _));
        Assert.False(bucket.TryTake(10, 5, out _));

        time.Advance(TimeSpan.FromHours(1));
        int taken = 0;
        while (bucket.TryTake(10, 5, out _))
        {
            taken++;
        }

        Assert.Equal(5, taken);
    }

    [Fact]
    public void A_rate_of_zero_means_no_limit()
    {
        var bucket = new TokenBucket(new ManualTimeProvider());
        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(bucket.TryTake(0, 0, out _));
        }
    }
}
