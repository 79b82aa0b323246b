using ChatDaemon.Systemd;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class ThreadPoolWatchdogProbeTests
{
    [Fact]
    public void Reports_no_progress_while_the_previous_marker_waits_in_the_queue()
    {
        var queued = new Queue<Action>();
        var probe = new ThreadPoolWatchdogProbe(queued.Enqueue);

        Assert.True(probe.IsMakingProgress());
        Assert.False(probe.IsMakingProgress()); // starved: the marker did not run
        Assert.False(probe.IsMakingProgress());
        Assert.Single(queued);

        queued.Dequeue()();
        Assert.True(probe.IsMakingProgress());
        Assert.Single(queued);
    }

    [Fact]
    public async Task On_the_real_thread_pool_markers_run_and_progress_is_reported()
    {
        var probe = new ThreadPoolWatchdogProbe();
        Assert.True(probe.IsMakingProgress());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        for (int reported = 0; reported < 3;)
        {
            Assert.True(DateTime.UtcNow < deadline, "the thread pool did not run the probe's markers");
            if (probe.IsMakingProgress())
            {
                reported++;
            }

            await Task.Delay(5);
        }
    }
}
