using ChatDaemon.Logging;
using ChatDaemon.Logging.Syslog;
using Serilog.Events;
using Xunit;
using static ChatDaemon.Tests.Logging.Bytes;

namespace ChatDaemon.Tests.Logging;

public class Rfc3164FormatterTests
{
    private static byte[] Format(LogEvent logEvent, string? hostname)
    {
        using var buffer = new PooledByteBuffer(16);
        new Rfc3164Formatter(Facility.Daemon, "chatdaemon", hostname, 4242).Format(logEvent, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_network_message_has_pri_timestamp_hostname_tag_and_pid()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Warning, "Rate limited {Nick}", [("Nick", "bob")]);

        Bytes.Equal(Utf8("<28>Nov  2 01:50:32 host1 chatdaemon[4242]: Rate limited bob"), Format(logEvent, "host1"));
    }

    [Fact]
    public void A_local_message_leaves_the_hostname_to_the_syslog_daemon()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "Started",
            timestamp: new DateTimeOffset(2026, 12, 24, 23, 5, 1, TimeSpan.Zero));

        Bytes.Equal(Utf8("<30>Dec 24 23:05:01 chatdaemon[4242]: Started"), Format(logEvent, null));
    }

    [Fact]
    public void The_tag_is_cut_to_32_characters()
    {
        using var buffer = new PooledByteBuffer();
        new Rfc3164Formatter(Facility.User, new string('t', 40), null, 1)
            .Format(TestLogEvents.Create(LogEventLevel.Information, "m"), buffer);

        Bytes.Equal(Utf8($"<14>Nov  2 01:50:32 {new string('t', 32)}[1]: m"), buffer.WrittenSpan);
    }
}
