using System.Diagnostics;
using System.Text;
using ChatDaemon.Logging.Syslog;
using Serilog.Events;
using Xunit;

namespace ChatDaemon.Tests.Logging;

public class SyslogSinkTests
{
    private static readonly SyslogQueueSettings FastRetry = new()
    {
        QueueLimit = 10,
        MinReconnectDelay = TimeSpan.FromMilliseconds(10),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(50),
    };

    private static SyslogSink CreateSink(ISyslogTransport transport, RecordingSinkEvents events, SyslogQueueSettings settings) =>
        new(new Rfc5424Formatter(Facility.Daemon, "chatdaemon", "h", 7), transport, FramingType.OctetCounting, settings, events);

    private static LogEvent Numbered(int i) =>
        TestLogEvents.Create(LogEventLevel.Information, "event {N}", [("N", i)]);

    [Fact]
    public async Task While_the_receiver_is_down_emit_returns_at_once_buffers_up_to_the_limit_and_reports_drops_once()
    {
        var transport = new FakeSyslogTransport(up: false);
        var events = new RecordingSinkEvents();
        using var sink = CreateSink(transport, events, FastRetry);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            sink.Emit(Numbered(i));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"100 emits took {clock.Elapsed}");
        await WaitUntil(() => !events.Lost.IsEmpty);

        transport.SetUp(true);
        await WaitUntil(() => events.Dropped.Count > 0);

        var messages = transport.Received.Select(Encoding.UTF8.GetString).ToList();
        Assert.Equal(10, messages.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"event {i}"), messages.Select(m => m[(m.LastIndexOf("] ", StringComparison.Ordinal) + 2)..]));
        Assert.Equal((SyslogSink.Name, 90L), Assert.Single(events.Dropped));
        Assert.Single(events.Lost);
        Assert.Single(events.Regained);
    }

    [Fact]
    public async Task Messages_on_a_stream_are_octet_counted()
    {
        var transport = new FakeSyslogTransport(up: true);
        using var sink = CreateSink(transport, new RecordingSinkEvents(), FastRetry);

        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "hi"));
        await WaitUntil(() => !transport.Received.IsEmpty);

        var frame = Encoding.UTF8.GetString(Assert.Single(transport.Received));
        var body = "<30>1 2026-11-02T01:50:32.123456Z h chatdaemon 7 - - hi";
        Assert.Equal($"{body.Length} {body}", frame);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_cut_before_framing()
    {
        var transport = new FakeSyslogTransport(up: true);
        using var sink = CreateSink(transport, new RecordingSinkEvents(), FastRetry with { MaxMessageBytes = 480 });

        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, new string('z', 2000)));
        await WaitUntil(() => !transport.Received.IsEmpty);

        var frame = Encoding.UTF8.GetString(Assert.Single(transport.Received));
        Assert.StartsWith("480 <30>1 ", frame);
        Assert.Equal(4 + 480, frame.Length);
    }

    [Fact]
    public void Events_queued_at_dispose_are_flushed()
    {
        var transport = new FakeSyslogTransport(up: true);
        var sink = CreateSink(transport, new RecordingSinkEvents(), FastRetry);
        for (var i = 0; i < 5; i++)
        {
            sink.Emit(Numbered(i));
        }

        sink.Dispose();

        Assert.Equal(5, transport.Received.Count);
    }

    [Fact]
    public async Task An_event_that_cannot_be_formatted_is_skipped_and_later_events_still_go_out()
    {
        var transport = new FakeSyslogTransport(up: true);
        using var sink = CreateSink(transport, new RecordingSinkEvents(), FastRetry);

        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "{Bad}", [("Bad", new ThrowingValue())]));
        sink.Emit(Numbered(1));
        await WaitUntil(() => !transport.Received.IsEmpty);

        Assert.EndsWith("event 1", Encoding.UTF8.GetString(Assert.Single(transport.Received)));
    }

    internal static async Task WaitUntil(Func<bool> condition, int timeoutMs = 10_000)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.ElapsedMilliseconds < timeoutMs, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
