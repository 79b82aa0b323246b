using Xunit;
using ChatDaemon.Logging;
using ChatDaemon.Logging.Journal;
using Serilog.Events;
using static ChatDaemon.Tests.Logging.Bytes;

namespace ChatDaemon.Tests.Logging;

public class JournalEntryFormatterTests
{
    private static byte[] Format(LogEvent logEvent)
    {
        using var buffer = new PooledByteBuffer(16);
        new JournalEntryFormatter("chatdaemon", 3).Format(logEvent, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void An_event_becomes_fields_for_message_priority_identity_event_id_logger_and_properties()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "{Nick} joined from {RemoteEndPoint}",
            [("Nick", "alice"), ("RemoteEndPoint", "127.0.0.1:5000"), ("ConnectionId", 42)],
            eventId: 201, eventName: "UserJoined", sourceContext: "ChatDaemon.Chat.Room");

        var expected = Utf8(
            "PRIORITY=6\n" +
            "SYSLOG_FACILITY=3\n" +
            "SYSLOG_IDENTIFIER=chatdaemon\n" +
            "MESSAGE=alice joined from 127.0.0.1:5000\n" +
            "EVENT_ID=201\n" +
            "EVENT_NAME=UserJoined\n" +
            "LOGGER=ChatDaemon.Chat.Room\n" +
            "NICK=alice\n" +
            "REMOTE_END_POINT=127.0.0.1:5000\n" +
            "CONNECTION_ID=42\n");
        Bytes.Equal(expected, Format(logEvent));
    }

    [Fact]
    public void Values_with_newlines_use_the_binary_length_prefixed_form()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Warning, "Line {Text}", [("Text", "one\ntwo")]);

        var expected = Concat(
            Utf8("PRIORITY=4\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=chatdaemon\n"),
            Utf8("MESSAGE\n"), LittleEndian64(12), Utf8("Line one\ntwo\n"),
            Utf8("TEXT\n"), LittleEndian64(7), Utf8("one\ntwo\n"));
        Bytes.Equal(expected, Format(logEvent));
    }

    [Fact]
    public void The_binary_length_counts_utf8_bytes_not_characters()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Debug, "x", [("Text", "é\n")]);

        var formatted = Format(logEvent);

        var expectedTail = Concat(Utf8("TEXT\n"), LittleEndian64(3), Utf8("é\n\n"));
        Assert.Equal(Show(expectedTail), Show(formatted.AsSpan(formatted.Length - expectedTail.Length)));
    }

    [Fact]
    public void An_exception_is_part_of_the_message_and_has_fields_of_its_own()
    {
        var exception = new FixedTextException("boom", "ChatDaemon.Tests.Logging.FixedTextException: boom\n   at Somewhere()");
        var logEvent = TestLogEvents.Create(LogEventLevel.Error, "Failed", exception: exception);

        var text = "ChatDaemon.Tests.Logging.FixedTextException: boom\n   at Somewhere()";
        var expected = Concat(
            Utf8("PRIORITY=3\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=chatdaemon\n"),
            Utf8("MESSAGE\n"), LittleEndian64((ulong)("Failed\n" + text).Length), Utf8("Failed\n" + text + "\n"),
            Utf8("EXCEPTION_TYPE=ChatDaemon.Tests.Logging.FixedTextException\n"),
            Utf8("EXCEPTION_MESSAGE=boom\n"),
            Utf8("EXCEPTION\n"), LittleEndian64((ulong)text.Length), Utf8(text + "\n"));
        Bytes.Equal(expected, Format(logEvent));
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, 7)]
    [InlineData(LogEventLevel.Debug, 7)]
    [InlineData(LogEventLevel.Information, 6)]
    [InlineData(LogEventLevel.Warning, 4)]
    [InlineData(LogEventLevel.Error, 3)]
    [InlineData(LogEventLevel.Fatal, 2)]
    public void Priority_is_the_syslog_severity_of_the_level(LogEventLevel level, int priority)
    {
        var formatted = Format(TestLogEvents.Create(level, "x"));
        Assert.StartsWith($"PRIORITY={priority}\n", System.Text.Encoding.UTF8.GetString(formatted));
    }

    [Fact]
    public void Caller_information_becomes_code_fields()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "x",
            [("CallerMemberName", "Accept"), ("CallerFilePath", "/src/Listener.cs"), ("CallerLineNumber", 12)]);

        var expected = Utf8("PRIORITY=6\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=chatdaemon\nMESSAGE=x\n" +
            "CODE_FUNC=Accept\nCODE_FILE=/src/Listener.cs\nCODE_LINE=12\n");
        Bytes.Equal(expected, Format(logEvent));
    }

    [Fact]
    public void A_property_named_like_a_journal_field_cannot_overwrite_it()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "{Message}", [("Message", "hi")]);

        var expected = Utf8("PRIORITY=6\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=chatdaemon\nMESSAGE=hi\nPROPERTY_MESSAGE=hi\n");
        Bytes.Equal(expected, Format(logEvent));
    }
}
