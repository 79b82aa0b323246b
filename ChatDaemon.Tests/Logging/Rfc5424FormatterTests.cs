using ChatDaemon.Logging;
using ChatDaemon.Logging.Syslog;
using Serilog.Events;
using Xunit;
using static ChatDaemon.Tests.Logging.Bytes;

namespace ChatDaemon.Tests.Logging;

public class Rfc5424FormatterTests
{
    private static byte[] Format(LogEvent logEvent, Facility facility = Facility.Daemon)
    {
        using var buffer = new PooledByteBuffer(16);
        new Rfc5424Formatter(facility, "chatdaemon", "host1", 4242).Format(logEvent, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_message_has_the_rfc5424_header_structured_data_and_message()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "{Nick} joined",
            [("Nick", "alice"), ("ConnectionId", 42)], eventId: 201, eventName: "UserJoined",
            sourceContext: "ChatDaemon.Chat.Room");

        Bytes.Equal(
            Utf8("<30>1 2026-11-02T01:50:32.123456Z host1 chatdaemon 4242 UserJoined " +
                 "[meta@32473 EventId=\"201\" Nick=\"alice\" ConnectionId=\"42\" SourceContext=\"ChatDaemon.Chat.Room\"] " +
                 "alice joined"),
            Format(logEvent));
    }

    [Fact]
    public void Without_properties_event_name_or_text_the_nil_values_are_written()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Warning, "",
            timestamp: new DateTimeOffset(2026, 1, 5, 7, 8, 9, TimeSpan.FromHours(2)));

        Bytes.Equal(Utf8("<28>1 2026-01-05T07:08:09.000000+02:00 host1 chatdaemon 4242 - -"), Format(logEvent));
    }

    [Theory]
    [InlineData(Facility.Kernel, LogEventLevel.Fatal, 2)]
    [InlineData(Facility.Daemon, LogEventLevel.Error, 27)]
    [InlineData(Facility.Local0, LogEventLevel.Debug, 135)]
    [InlineData(Facility.Local7, LogEventLevel.Verbose, 191)]
    public void Pri_is_facility_times_eight_plus_severity(Facility facility, LogEventLevel level, int pri)
    {
        var text = System.Text.Encoding.ASCII.GetString(Format(TestLogEvents.Create(level, "x"), facility));
        Assert.StartsWith($"<{pri}>1 ", text);
    }

    [Fact]
    public void Param_values_escape_quote_backslash_and_closing_bracket()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "", [("Text", "a\"b\\c]d[e=f")]);

        Bytes.Equal(Utf8("<30>1 2026-11-02T01:50:32.123456Z host1 chatdaemon 4242 - [meta@32473 Text=\"a\\\"b\\\\c\\]d[e=f\"]"),
            Format(logEvent));
    }

    [Fact]
    public void Param_names_replace_forbidden_characters_and_are_cut_to_32()
    {
        var longName = new string('n', 40);
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "",
            [("a=b c]d\"e", "1"), (longName, "2"), ("naïve", "3")]);

        Bytes.Equal(
            Utf8("<30>1 2026-11-02T01:50:32.123456Z host1 chatdaemon 4242 - " +
                 $"[meta@32473 a_b_c_d_e=\"1\" {new string('n', 32)}=\"2\" na_ve=\"3\"]"),
            Format(logEvent));
    }

    [Fact]
    public void Msgid_is_the_event_name_cut_to_32_printable_characters()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "", eventName: "A very long event name " + new string('x', 20));

        Bytes.Equal(Utf8("<30>1 2026-11-02T01:50:32.123456Z host1 chatdaemon 4242 A_very_long_event_name_xxxxxxxxx -"),
            Format(logEvent));
    }

    [Fact]
    public void A_non_ascii_message_starts_with_a_bom_and_an_ascii_one_does_not()
    {
        var utf8Event = TestLogEvents.Create(LogEventLevel.Information, "Grüße");
        var asciiEvent = TestLogEvents.Create(LogEventLevel.Information, "Hello");

        Bytes.Equal(Concat(Utf8("<30>1 2026-11-02T01:50:32.123456Z host1 chatdaemon 4242 - - "), [0xEF, 0xBB, 0xBF], Utf8("Grüße")),
            Format(utf8Event));
        Bytes.Equal(Utf8("<30>1 2026-11-02T01:50:32.123456Z host1 chatdaemon 4242 - - Hello"), Format(asciiEvent));
    }

    [Fact]
    public void An_exception_follows_the_message()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Error, "Failed", exception: new FixedTextException("x", "E: x\n  at A"));

        Bytes.Equal(Utf8("<27>1 2026-11-02T01:50:32.123456Z host1 chatdaemon 4242 - - Failed\nE: x\n  at A"), Format(logEvent));
    }

    [Theory]
    [InlineData("meta")]
    [InlineData("bad id@1")]
    [InlineData("x=y@1")]
    public void The_structured_data_id_must_be_a_valid_sd_name(string sdId)
    {
        if (sdId == "meta")
        {
            // A valid SD-NAME; whether it is private (name@PEN) is checked by the options validator.
            _ = new Rfc5424Formatter(Facility.Daemon, "a", "h", 1, sdId);
            return;
        }

        Assert.Throws<ArgumentException>(() => new Rfc5424Formatter(Facility.Daemon, "a", "h", 1, sdId));
    }
}
