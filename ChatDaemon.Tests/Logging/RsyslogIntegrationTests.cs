using ChatDaemon.Logging.Syslog;
using Serilog.Events;
using Xunit;

namespace ChatDaemon.Tests.Logging;

[Trait("Category", "Integration")]
public sealed class RsyslogIntegrationTests : IDisposable
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(10);

    private static readonly SyslogQueueSettings QuickReconnect = new()
    {
        MinReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
    };

    private readonly RsyslogFixture _rsyslog = new();
    private readonly RecordingSinkEvents _events = new();

    public void Dispose() => _rsyslog.Dispose();

    private SyslogSink CreateSink(ISyslogTransport transport) =>
        SyslogSinkFactory.Create(SyslogFormat.Rfc5424, Facility.Daemon, "chatdaemon", forLocalDaemon: false,
            "meta@32473", transport, FramingType.OctetCounting, QuickReconnect, _events);

    private static LogEvent RateLimited(string marker) =>
        TestLogEvents.Create(LogEventLevel.Warning, "Rate limited {Nick} ({Marker})",
            [("Nick", "al\"ice]"), ("Marker", marker)], eventId: 211, eventName: "ClientRateLimited",
            sourceContext: "ChatDaemon.Chat", timestamp: DateTimeOffset.UtcNow);

    private static void AssertFields(string[] fields, string marker)
    {
        Assert.Equal(7, fields.Length);
        Assert.Equal("daemon", fields[0]);
        Assert.Equal("warning", fields[1]);
        Assert.Equal("chatdaemon", fields[2]);
        Assert.Equal(Environment.ProcessId.ToString(), fields[3]);
        Assert.Equal("ClientRateLimited", fields[4]);
        Assert.Equal(
            $"[meta@32473 EventId=\"211\" Nick=\"al\\\"ice\\]\" Marker=\"{marker}\" SourceContext=\"ChatDaemon.Chat\"]",
            fields[5]);
        Assert.Equal($"Rate limited al\"ice] ({marker})", fields[6]);
    }

    [Fact]
    public async Task Rfc5424_over_udp_arrives_with_facility_severity_app_name_msgid_and_structured_data()
    {
        using var sink = CreateSink(DatagramSyslogTransport.Udp("127.0.0.1", _rsyslog.UdpPort));
        var marker = Guid.NewGuid().ToString("N");

        sink.Emit(RateLimited(marker));

        AssertFields(await _rsyslog.WaitForLineAsync(marker, Arrival), marker);
    }

    [Fact]
    public async Task Rfc5424_over_tcp_arrives_with_facility_severity_app_name_msgid_and_structured_data()
    {
        using var sink = CreateSink(new TcpSyslogTransport("127.0.0.1", _rsyslog.TcpPort, tls: null));
        var marker = Guid.NewGuid().ToString("N");

        sink.Emit(RateLimited(marker));

        AssertFields(await _rsyslog.WaitForLineAsync(marker, Arrival), marker);
    }

    [Fact]
    public async Task After_rsyslog_restarts_the_tcp_sink_reconnects_and_later_events_arrive()
    {
        using var sink = CreateSink(new TcpSyslogTransport("127.0.0.1", _rsyslog.TcpPort, tls: null));
        var before = Guid.NewGuid().ToString("N");
        sink.Emit(RateLimited(before));
        await _rsyslog.WaitForLineAsync(before, Arrival);

        _rsyslog.Restart();
        var after = new[] { Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N") };
        sink.Emit(RateLimited(after[0]));
        sink.Emit(RateLimited(after[1]));

        AssertFields(await _rsyslog.WaitForLineAsync(after[0], Arrival), after[0]);
        AssertFields(await _rsyslog.WaitForLineAsync(after[1], Arrival), after[1]);
        Assert.Single(_events.Lost);
        Assert.Single(_events.Regained);
    }
}
