using System.IO.Pipelines;
using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class OutboundQueueTests
{
    [Fact]
    public void The_queue_refuses_what_would_pass_the_limit_and_then_refuses_after_completion()
    {
        var queue = new OutboundQueue();
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(new byte[600], 1000));
        Assert.Equal(EnqueueResult.Full, queue.TryEnqueue(new byte[500], 1000));
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(new byte[400], 1000));
        Assert.Equal(1000, queue.QueuedBytes);
        queue.Complete();
        Assert.Equal(EnqueueResult.Closed, queue.TryEnqueue(new byte[1], 0));
    }

    [Fact]
    public async Task The_writer_sends_everything_queued_in_order_and_ends_after_completion()
    {
        var pipe = new Pipe();
        var queue = new OutboundQueue();
        var writer = queue.RunWriterAsync(pipe.Writer);
        for (byte i = 0; i < 100; i++)
        {
            queue.TryEnqueue([i, i], 0);
        }

        queue.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        var all = new MemoryStream();
        await pipe.Reader.CopyToAsync(all);
        Assert.Equal(Enumerable.Range(0, 100).SelectMany(i => new[] { (byte)i, (byte)i }), all.ToArray());
        Assert.Equal(0, queue.QueuedBytes);
    }
}
