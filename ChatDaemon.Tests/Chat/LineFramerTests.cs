using System.Buffers;
using System.Text;
using ChatDaemon.Chat;
using ChatDaemon.Chat.Line;

namespace ChatDaemon.Tests.Chat;

public sealed class LineFramerTests
{
    private static List<string> Frame(int max, params string[] chunks)
    {
        var framer = new LineFramer(max);
        var results = new List<string>();
        var pending = new List<byte>();
        foreach (string chunk in chunks)
        {
            pending.AddRange(Encoding.UTF8.GetBytes(chunk));
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (true)
            {
                var kind = framer.TryRead(ref buffer, out var line);
                if (kind == FrameKind.None)
                {
                    break;
                }

                results.Add(kind == FrameKind.TooLong ? "<too long>" : Encoding.UTF8.GetString(line.ToArray()));
            }

            pending = buffer.ToArray().ToList();
        }

        return results;
    }

    [Fact]
    public void Lines_end_in_lf_or_crlf_and_the_ending_is_removed() =>
        Assert.Equal(["a", "b", "", "c\rd"], Frame(100, "a\nb\r\n\nc\rd\n"));

    [Fact]
    public void A_line_split_across_reads_is_joined() =>
        Assert.Equal(["hello world"], Frame(100, "hel", "lo wo", "rld\r", "\n"));

    [Fact]
    public void A_line_of_exactly_the_limit_is_accepted_with_either_ending() =>
        Assert.Equal(["aaaa", "bbbb"], Frame(4, "aaaa\r", "\nbbbb\n"));

    [Fact]
    public void A_line_over_the_limit_is_reported_once_and_skipped() =>
        Assert.Equal(["<too long>", "ok"], Frame(4, "aaaaa\nok\n"));

    [Fact]
    public void An_unterminated_line_over_the_limit_is_discarded_as_it_arrives() =>
        Assert.Equal(["<too long>", "next"], Frame(4, "aaaaaaaa", "aaaaaaaaaaa", "aaa\nnext\n"));

    [Fact]
    public void Zero_means_no_limit() =>
        Assert.Equal([new string('x', 100_000)], Frame(0, new string('x', 100_000) + "\n"));

    [Fact]
    public void Lines_spanning_several_segments_are_found()
    {
        var first = new Segment("ab"u8.ToArray());
        var last = first.Append("c\nd\n"u8.ToArray());
        var buffer = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        var framer = new LineFramer(10);
        Assert.Equal(FrameKind.Line, framer.TryRead(ref buffer, out var line));
        Assert.Equal("abc", Encoding.ASCII.GetString(line.ToArray()));
        Assert.Equal(FrameKind.Line, framer.TryRead(ref buffer, out line));
        Assert.Equal("d", Encoding.ASCII.GetString(line.ToArray()));
        Assert.Equal(FrameKind.None, framer.TryRead(ref buffer, out _));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data) => Memory = data;

        public Segment Append(byte[] data)
        {
            var next = new Segment(data) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
