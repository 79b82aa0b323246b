using System.Text;
using ChatDaemon.Logging.Console;
using Serilog.Events;
using Xunit;

namespace ChatDaemon.Tests.Logging;

public class ConsoleSinkTests
{
    [Fact]
    public void Lines_are_written_in_order_and_an_unformattable_event_does_not_stop_the_sink()
    {
        var output = new MemoryStream();
        var sink = new ConsoleSink(output, new JournalStreamLineFormatter(), new RecordingSinkEvents());

        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "first"));
        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "{Bad}", [("Bad", new ThrowingValue())]));
        sink.Emit(TestLogEvents.Create(LogEventLevel.Warning, "second"));
        sink.Dispose();

        Assert.Equal("<6>first\n<4>second\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void A_full_queue_drops_instead_of_blocking_and_the_count_is_reported()
    {
        var output = new BlockingStream();
        var events = new RecordingSinkEvents();
        var sink = new ConsoleSink(output, new JournalStreamLineFormatter(), events, queueLimit: 5);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "x"));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"emits took {clock.Elapsed}");
        output.Release();
        sink.Dispose();

        // One event may be in the writer's hands when the queue fills, so 5 or 6 get through.
        var written = Encoding.UTF8.GetString(output.Written.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.InRange(written, 5, 6);
        Assert.Equal(100 - written, Assert.Single(events.Dropped).Count);
    }

    // A stderr whose reader has stalled: writes block until released.
    private sealed class BlockingStream : Stream
    {
        private readonly ManualResetEventSlim _released = new();

        public MemoryStream Written { get; } = new();

        public void Release() => _released.Set();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _released.Wait();
            lock (Written)
            {
                Written.Write(buffer);
            }
        }

        public override void Flush()
        {
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
