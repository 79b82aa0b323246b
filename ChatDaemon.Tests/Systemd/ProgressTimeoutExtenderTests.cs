using ChatDaemon.Tests.TestSupport;
using ChatDaemon.Systemd;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class ProgressTimeoutExtenderTests
{
    [Fact]
    public void Progress_extends_the_timeout_at_most_once_per_half_extension()
    {
        var notifier = new RecordingNotifier();
        var time = new ManualTimeProvider();
        var extender = new ProgressTimeoutExtender(notifier, time, TimeSpan.FromSeconds(10));

        Assert.True(extender.ReportProgress());
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(extender.ReportProgress());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(extender.ReportProgress());

        Assert.Equal(["EXTEND_TIMEOUT_USEC=10000000", "EXTEND_TIMEOUT_USEC=10000000"], notifier.Sent);
    }

    [Fact]
    public void No_progress_means_no_extension()
    {
        var notifier = new RecordingNotifier();
        var time = new ManualTimeProvider();
        _ = new ProgressTimeoutExtender(notifier, time, TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(notifier.Sent);
    }
}
