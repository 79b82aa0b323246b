using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ChatDaemon.Networking;

namespace ChatDaemon.Tests.Networking;

public sealed class PrefixedPipeReaderTests
{
    private readonly Pipe _pipe = new();

    private static string Text(in ReadOnlySequence<byte> buffer) => Encoding.ASCII.GetString(buffer.ToArray());

    private async Task WriteAsync(string text) => await _pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads lines the way a line session does: consume complete lines, leave a partial one, examine all.</summary>
    private static async Task<List<string>> ReadLinesAsync(PipeReader reader, int count)
    {
        var lines = new List<string>();
        while (lines.Count < count)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } lf)
            {
                lines.Add(Text(buffer.Slice(0, lf)));
                buffer = buffer.Slice(buffer.GetPosition(1, lf));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            Assert.False(result.IsCompleted && lines.Count < count, "the stream ended early");
        }

        return lines;
    }

    [Fact]
    public async Task The_carried_bytes_come_first_then_the_inner_readers()
    {
        var reader = new PrefixedPipeReader("one\ntwo\n"u8.ToArray(), _pipe.Reader);
        await WriteAsync("three\n");
        Assert.Equal(["one", "two", "three"], await ReadLinesAsync(reader, 3));
        Assert.Equal(0, reader.CarriedBytes);
    }

    [Fact]
    public async Task A_carried_partial_line_is_completed_by_the_inner_readers_bytes()
    {
        var reader = new PrefixedPipeReader("done\nhalf a "u8.ToArray(), _pipe.Reader);
        Assert.Equal(["done"], await ReadLinesAsync(reader, 1));

        // The rest of the line comes in pieces: the carried bytes grow until the line is whole.
        var read = ReadLinesAsync(reader, 2);
        await WriteAsync("li");
        await WriteAsync("ne\nnext\n");
        Assert.Equal(["half a line", "next"], await read);
        Assert.Equal(0, reader.CarriedBytes);

        // From then on the inner reader's positions pass through.
        await WriteAsync("last\n");
        Assert.Equal(["last"], await ReadLinesAsync(reader, 1));
    }

    [Fact]
    public async Task The_inner_readers_end_of_stream_reaches_the_consumer_after_the_carried_bytes()
    {
        var reader = new PrefixedPipeReader("a\nb"u8.ToArray(), _pipe.Reader);
        Assert.Equal(["a"], await ReadLinesAsync(reader, 1));
        await WriteAsync("c");
        await _pipe.Writer.CompleteAsync();
        var result = await reader.ReadAsync();
        Assert.True(result.IsCompleted);
        Assert.Equal("bc", Text(result.Buffer));
    }

    [Fact]
    public async Task A_canceled_read_then_try_read_returns_every_unconsumed_byte_carried_and_inner()
    {
        var reader = new PrefixedPipeReader("x\nhalf"u8.ToArray(), _pipe.Reader);
        Assert.Equal(["x"], await ReadLinesAsync(reader, 1));
        await WriteAsync(" more");

        reader.CancelPendingRead();
        Assert.True(reader.TryRead(out var result));
        Assert.Equal("half more", Text(result.Buffer));
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
    }

    [Fact]
    public async Task A_cancel_while_the_consumer_waits_for_the_inner_reader_ends_that_read()
    {
        var reader = new PrefixedPipeReader("partial"u8.ToArray(), _pipe.Reader);
        var first = await reader.ReadAsync();
        reader.AdvanceTo(first.Buffer.Start, first.Buffer.End);

        var pending = reader.ReadAsync().AsTask();
        Assert.False(pending.IsCompleted);
        reader.CancelPendingRead();
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(result.IsCanceled);
        Assert.Equal("partial", Text(result.Buffer));
        reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
    }
}
