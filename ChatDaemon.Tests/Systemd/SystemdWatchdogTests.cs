using ChatDaemon.Tests.TestSupport;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class SystemdWatchdogTests
{
    private sealed class SwitchableProbe(string name) : IWatchdogProbe
    {
        private int _calls;

        public volatile bool Progressing = true;

        public string Name => name;

        /// <summary>How often the watchdog asked: once per tick, so a test waits for a tick's decision by it.</summary>
        public int Calls => Volatile.Read(ref _calls);

        public bool IsMakingProgress()
        {
            Interlocked.Increment(ref _calls);
            return Progressing;
        }
    }

    private sealed class ThrowingProbe : IWatchdogProbe
    {
        public string Name => "throwing";

        public bool IsMakingProgress() => throw new InvalidOperationException("probe broke");
    }

    private static SystemdWatchdog CreateWatchdog(RecordingNotifier notifier, TimeProvider time, params IWatchdogProbe[] probes) =>
        new(notifier, probes, SystemdWatchdogSettings.Create(TimeSpan.FromSeconds(10)), time, NullLogger<SystemdWatchdog>.Instance);

    private static int Pings(RecordingNotifier notifier) => notifier.Sent.Count(s => s == "WATCHDOG=1");

    [Fact]
    public async Task Pings_at_half_the_timeout_while_every_probe_makes_progress()
    {
        var notifier = new RecordingNotifier();
        var time = new ManualTimeProvider();
        using var watchdog = CreateWatchdog(notifier, time, new SwitchableProbe("accept"), new SwitchableProbe("rooms"));

        await watchdog.StartAsync(CancellationToken.None);
        await WaitUntil(() => Pings(notifier) == 1); // first ping at start
        Assert.Equal([TimeSpan.FromSeconds(5)], time.TimerPeriods);

        for (int tick = 1; tick <= 4; tick++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await WaitUntil(() => Pings(notifier) == 1 + tick);
        }

        // Just short of the next tick: no timer was due (they fire inside Advance), so no ping can follow.
        int fired = time.TimersFired;
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(fired, time.TimersFired);
        Assert.Equal(5, Pings(notifier));
        await watchdog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_stalled_probe_withholds_pings_until_it_makes_progress_again()
    {
        var notifier = new RecordingNotifier();
        var time = new ManualTimeProvider();
        var rooms = new SwitchableProbe("rooms");
        using var watchdog = CreateWatchdog(notifier, time, new SwitchableProbe("accept"), rooms);
        await watchdog.StartAsync(CancellationToken.None);
        await WaitUntil(() => Pings(notifier) == 1);

        // Three ticks, each waited for until it asked the stalled probe (its decision is then made): none pinged.
        rooms.Progressing = false;
        for (int tick = 0; tick < 3; tick++)
        {
            int asked = rooms.Calls;
            time.Advance(TimeSpan.FromSeconds(5));
            await WaitUntil(() => rooms.Calls > asked);
        }

        Assert.Equal(1, Pings(notifier));

        rooms.Progressing = true;
        time.Advance(TimeSpan.FromSeconds(5));
        await WaitUntil(() => Pings(notifier) == 2);
        await watchdog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void A_probe_that_throws_counts_as_stalled()
    {
        var notifier = new RecordingNotifier();
        using var watchdog = CreateWatchdog(notifier, new ManualTimeProvider(), new SwitchableProbe("accept"), new ThrowingProbe());

        Assert.False(watchdog.PingIfHealthy());
        Assert.Empty(notifier.Sent);
    }

    [Fact]
    public async Task Without_a_watchdog_timeout_nothing_is_sent()
    {
        var notifier = new RecordingNotifier();
        using var watchdog = new SystemdWatchdog(notifier, [], SystemdWatchdogSettings.Disabled, new ManualTimeProvider(), NullLogger<SystemdWatchdog>.Instance);

        await watchdog.StartAsync(CancellationToken.None);
        await (watchdog.ExecuteTask ?? Task.CompletedTask);

        Assert.True(watchdog.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Empty(notifier.Sent);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10 s");
            await Task.Delay(5);
        }
    }
}
