using ChatDaemon.Logging;
using ChatDaemon.Logging.Console;
using Serilog.Events;
using Xunit;
using static ChatDaemon.Tests.Logging.Bytes;

namespace ChatDaemon.Tests.Logging;

public class StandardErrorFormatTests
{
    private static byte[] Format(IConsoleLineFormatter formatter, LogEvent logEvent)
    {
        using var buffer = new PooledByteBuffer(8);
        formatter.Format(logEvent, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Journal_stream_lines_carry_the_priority_prefix_and_no_timestamp()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Warning, "Slow client {Nick} disconnected", [("Nick", "bob")],
            eventId: 210, sourceContext: "ChatDaemon.Chat");

        Bytes.Equal(Utf8("<4>ChatDaemon.Chat[210]: Slow client bob disconnected\n"),
            Format(new JournalStreamLineFormatter(), logEvent));
    }

    [Fact]
    public void Journal_stream_lines_keep_a_multi_line_message_and_exception_on_one_line()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Error, "Bad\r\ninput", exception: new FixedTextException("x", "E: x\n   at A()"));

        Bytes.Equal(Utf8("<3>Bad\\r\\ninput E: x\\n   at A()\n"), Format(new JournalStreamLineFormatter(), logEvent));
    }

    [Fact]
    public void Readable_lines_start_with_timestamp_and_level_and_put_the_exception_below()
    {
        var logEvent = TestLogEvents.Create(LogEventLevel.Error, "Failed", eventId: 5, sourceContext: "ChatDaemon.Echo",
            exception: new FixedTextException("x", "E: x\n   at A()"));

        Bytes.Equal(Utf8("2026-11-02 01:50:32.123 +00:00 [ERR] ChatDaemon.Echo[5]: Failed\nE: x\n   at A()\n"),
            Format(new ReadableLineFormatter(), logEvent));
    }

    [Fact]
    public void Journal_stream_matches_only_the_device_and_inode_of_the_descriptor()
    {
        using var file = File.Create(Path.GetTempFileName(), 1, FileOptions.DeleteOnClose);
        Assert.True(JournalStream.TryGetDeviceAndInode((int)file.SafeFileHandle.DangerousGetHandle(), out var device, out var inode));

        Assert.True(JournalStream.Matches($"{device}:{inode}", device, inode));
        Assert.False(JournalStream.Matches($"{device}:{inode + 1}", device, inode));
        Assert.False(JournalStream.Matches($"{device + 1}:{inode}", device, inode));
        Assert.False(JournalStream.Matches($"{device}", device, inode));
        Assert.False(JournalStream.Matches("", device, inode));
        Assert.False(JournalStream.Matches(null, device, inode));
    }

    [Fact]
    public void Stderr_counts_as_the_journal_only_while_journal_stream_names_its_device_and_inode()
    {
        Assert.True(JournalStream.TryGetDeviceAndInode(2, out var device, out var inode));
        var saved = Environment.GetEnvironmentVariable(JournalStream.VariableName);
        try
        {
            Environment.SetEnvironmentVariable(JournalStream.VariableName, $"{device}:{inode}");
            Assert.True(JournalStream.IsStandardErrorJournal());

            Environment.SetEnvironmentVariable(JournalStream.VariableName, $"{device}:{inode + 1}");
            Assert.False(JournalStream.IsStandardErrorJournal());
        }
        finally
        {
            Environment.SetEnvironmentVariable(JournalStream.VariableName, saved);
        }
    }

    [Fact]
    public void Journal_stream_device_and_inode_are_those_stat_reports()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenRead(path);
            Assert.True(JournalStream.TryGetDeviceAndInode((int)file.SafeFileHandle.DangerousGetHandle(), out _, out var inode));
            var statInode = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path])
            {
                RedirectStandardOutput = true,
            })!;
            var expected = ulong.Parse(statInode.StandardOutput.ReadToEnd().Trim());
            statInode.WaitForExit();
            Assert.Equal(expected, inode);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
