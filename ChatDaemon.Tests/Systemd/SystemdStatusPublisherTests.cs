using ChatDaemon.Systemd;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class SystemdStatusPublisherTests
{
    private sealed class Source : IServiceStatusSource
    {
        public string? CurrentStatus { get; set; }
    }

    [Fact]
    public async Task Status_is_sent_when_it_changed_at_most_once_per_second()
    {
        var notifier = new RecordingNotifier();
        var time = new ManualTimeProvider();
        var source = new Source { CurrentStatus = "0 clients" };
        using var publisher = new SystemdStatusPublisher(notifier, time, source);

        await publisher.StartAsync(CancellationToken.None);
        await WaitUntil(() => notifier.Sent.Count == 1);
        Assert.Equal([TimeSpan.FromSeconds(1)], time.TimerPeriods);

        source.CurrentStatus = "1 client";
        source.CurrentStatus = "2 clients"; // changes within one second collapse into one update
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntil(() => notifier.Sent.Count == 2);
        time.Advance(TimeSpan.FromSeconds(1)); // unchanged: nothing sent
        await Task.Delay(50);

        Assert.Equal(["STATUS=0 clients", "STATUS=2 clients"], notifier.Sent);
        await publisher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Publishing_now_sends_a_changed_status_immediately_once()
    {
        var notifier = new RecordingNotifier();
        var source = new Source { CurrentStatus = "reload rejected: Limits:MaxLineBytes must be positive" };
        using var publisher = new SystemdStatusPublisher(notifier, new ManualTimeProvider(), source);

        Assert.True(publisher.PublishIfChanged());
        Assert.False(publisher.PublishIfChanged());
        Assert.Equal(["STATUS=reload rejected: Limits:MaxLineBytes must be positive"], notifier.Sent);
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
