using ChatDaemon.Hosting;
using Xunit;

namespace ChatDaemon.Tests.Hosting;

public sealed class IdleMemoryTrimmerTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void A_daemon_gone_quiet_after_a_burst_is_trimmed()
    {
        // Collections 40 at the last check and now: none for a whole interval; never trimmed yet.
        Assert.True(IdleMemoryTrimmer.ShouldTrim(collectionsAtLastCheck: 40, collectionsNow: 40, collectionsAfterLastTrim: -1, committedBytes: 126 * MiB));
    }

    [Fact]
    public void A_daemon_that_collected_during_the_interval_is_busy_and_left_alone()
    {
        Assert.False(IdleMemoryTrimmer.ShouldTrim(collectionsAtLastCheck: 40, collectionsNow: 41, collectionsAfterLastTrim: -1, committedBytes: 126 * MiB));
    }

    [Fact]
    public void A_quiet_daemon_is_trimmed_once_until_it_collects_again()
    {
        // Trimmed at 41 (the trim is a collection); quiet since.
        Assert.False(IdleMemoryTrimmer.ShouldTrim(collectionsAtLastCheck: 41, collectionsNow: 41, collectionsAfterLastTrim: 41, committedBytes: 99 * MiB));

        // Worked again (collections 41 -> 60), then quiet for an interval: the next burst's leftovers go.
        Assert.True(IdleMemoryTrimmer.ShouldTrim(collectionsAtLastCheck: 60, collectionsNow: 60, collectionsAfterLastTrim: 41, committedBytes: 99 * MiB));
    }

    [Fact]
    public void A_small_daemon_is_not_worth_a_full_collection()
    {
        Assert.False(IdleMemoryTrimmer.ShouldTrim(collectionsAtLastCheck: 3, collectionsNow: 3, collectionsAfterLastTrim: -1, committedBytes: 31 * MiB));
    }
}
