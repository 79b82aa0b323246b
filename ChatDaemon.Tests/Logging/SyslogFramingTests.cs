using ChatDaemon.Logging;
using ChatDaemon.Logging.Syslog;
using Xunit;
using static ChatDaemon.Tests.Logging.Bytes;

namespace ChatDaemon.Tests.Logging;

public class SyslogFramingTests
{
    private static byte[] Frame(string message, FramingType framing)
    {
        using var buffer = new PooledByteBuffer(4);
        SyslogFraming.Write(buffer, Utf8(message), framing);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Octet_counting_prefixes_the_byte_length_and_a_space()
    {
        Bytes.Equal(Utf8("11 <30>1 - - x"), Frame("<30>1 - - x", FramingType.OctetCounting));
    }

    [Fact]
    public void Octet_counting_counts_bytes_and_keeps_newlines()
    {
        Bytes.Equal(Utf8("4 é\na"), Frame("é\na", FramingType.OctetCounting));
    }

    [Fact]
    public void Newline_framing_ends_with_lf_and_escapes_lf_inside_the_message()
    {
        Bytes.Equal(Utf8("a#012b\n"), Frame("a\nb", FramingType.NewLine));
    }

    [Theory]
    [InlineData("abc", 2, 2)]
    [InlineData("aé", 2, 1)]
    [InlineData("aé", 3, 3)]
    [InlineData("a€", 3, 1)]
    public void Truncation_never_splits_a_utf8_sequence(string text, int max, int expected)
    {
        Assert.Equal(expected, Utf8Truncation.SafeLength(Utf8(text), max));
    }
}
