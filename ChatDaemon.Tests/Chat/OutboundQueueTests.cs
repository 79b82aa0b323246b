using System.Buffers;
using System.IO.Pipelines;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using ChatDaemon.Tests.TestSupport;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Tests.Chat;

public sealed class OutboundQueueTests
{
    [Fact]
    public async Task Without_a_grace_the_queue_refuses_what_would_pass_the_limit_while_the_client_takes_no_more()
    {
        var client = new StalledClient();
        var owner = new TestOwner(client.Connection) { Limit = new SendQueueLimit(1000, TimeSpan.Zero) };
        var queue = new OutboundQueue();
        queue.Start(owner);
        await StalledClient.PlugAsync(queue);
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(new byte[600]));
        Assert.Equal(EnqueueResult.Full, queue.TryEnqueue(new byte[500]));
        Assert.Equal(1, owner.SlowCalls);

        // Refused from then on, and the owner is told once.
        Assert.Equal(EnqueueResult.Full, queue.TryEnqueue(new byte[10]));
        Assert.Equal(1, owner.SlowCalls);
        Assert.Equal(600, queue.QueuedBytes);
        queue.Complete();
        Assert.Equal(EnqueueResult.Closed, queue.TryEnqueue(new byte[1], enforceLimit: false));
    }

    [Fact]
    public async Task Over_the_limit_a_client_is_slow_only_once_the_grace_has_passed()
    {
        var time = new ManualTimeProvider();
        var client = new StalledClient();
        var owner = new TestOwner(client.Connection, time) { Limit = new SendQueueLimit(1000, TimeSpan.FromSeconds(2)) };
        var queue = new OutboundQueue();
        queue.Start(owner);
        await StalledClient.PlugAsync(queue);
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(new byte[600]));
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(new byte[500])); // over the limit: the grace begins
        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(new byte[500])); // still within the grace
        Assert.Equal(0, owner.SlowCalls);
        time.Advance(TimeSpan.FromSeconds(0.5));
        await WaitForAsync(() => owner.SlowCalls == 1); // the grace timer noticed: no later message was needed
        Assert.Equal(EnqueueResult.Full, queue.TryEnqueue(new byte[1]));
        Assert.Equal(1, owner.SlowCalls);
    }

    [Fact]
    public async Task A_client_that_catches_up_within_the_grace_is_not_slow_however_much_waited()
    {
        var time = new ManualTimeProvider();
        var client = new StalledClient();
        var owner = new TestOwner(client.Connection, time) { Limit = new SendQueueLimit(1000, TimeSpan.FromSeconds(2)) };
        var queue = new OutboundQueue();
        queue.Start(owner);
        await StalledClient.PlugAsync(queue);

        // A burst of 100 times the limit waits for this client.
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(new byte[1000]));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var reading = client.ReadAllAsync(); // the client takes everything
        await WaitForAsync(() => queue.QueuedBytes == 0);

        // Past the grace of that episode: it ended when the client caught up, so nothing is slow.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, owner.SlowCalls);
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(new byte[900]));
        Assert.Equal(0, owner.SlowCalls);
        queue.Complete();
        await queue.Sent.WaitAsync(TimeSpan.FromSeconds(10));
        client.EndOutput();
        Assert.Equal(1 + (100 * 1000) + 900, (await reading).Length);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task The_writer_sends_everything_queued_in_order_and_ends_after_completion()
    {
        var pipe = new Pipe();
        var queue = new OutboundQueue();
        var context = new DefaultConnectionContext("c1", new Duplex(new Pipe().Reader, pipe.Writer), new Duplex(pipe.Reader, new Pipe().Writer));
        queue.Start(new TestOwner(new ClientConnection(context, ListenerProtocol.Chat)));
        var writer = queue.Sent;
        for (byte i = 0; i < 100; i++)
        {
            queue.TryEnqueue([i, i]);
        }

        queue.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        var all = new MemoryStream();
        await pipe.Reader.CopyToAsync(all);
        Assert.Equal(Enumerable.Range(0, 100).SelectMany(i => new[] { (byte)i, (byte)i }), all.ToArray());
        Assert.Equal(0, queue.QueuedBytes);
    }

    [Fact]
    public async Task Messages_queued_together_are_sent_gathered_in_order_whatever_their_sizes()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var queue = new OutboundQueue();
        var sizes = new[] { 10, 20_000, 3, OutboundQueue.GatherBytes + 5, 7, 12_000, 12_000, 12_000, 1, OutboundQueue.GatherBytes, 2 };
        var expected = new List<byte>();
        for (int i = 0; i < sizes.Length; i++)
        {
            var message = Enumerable.Range(0, sizes[i]).Select(k => (byte)(i * 31 + k)).ToArray();
            expected.AddRange(message);
            queue.TryEnqueue(message);
        }

        // Everything is queued before the writer starts, so it has to gather.
        var context = new DefaultConnectionContext("c1", new Duplex(new Pipe().Reader, pipe.Writer), new Duplex(pipe.Reader, new Pipe().Writer));
        queue.Start(new TestOwner(new ClientConnection(context, ListenerProtocol.Chat)));
        var writer = queue.Sent;
        queue.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        var all = new MemoryStream();
        await pipe.Reader.CopyToAsync(all);
        Assert.Equal(expected, all.ToArray());
        Assert.Equal(0, queue.QueuedBytes);
    }

    [Fact]
    public async Task Messages_from_many_threads_reach_every_member_once_in_each_senders_order()
    {
        const int members = 40, senders = 4, perSender = 2_000;
        var pipes = Enumerable.Range(0, members).Select(_ => new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048))).ToArray();
        var queues = new OutboundQueue[members];
        var writers = new Task[members];
        var readers = new Task<byte[]>[members];
        for (int m = 0; m < members; m++)
        {
            var pipe = pipes[m];
            var context = new DefaultConnectionContext($"c{m}", new Duplex(new Pipe().Reader, pipe.Writer), new Duplex(pipe.Reader, new Pipe().Writer));
            queues[m] = new OutboundQueue();
            queues[m].Start(new TestOwner(new ClientConnection(context, ListenerProtocol.Chat)));
            writers[m] = queues[m].Sent;
            readers[m] = Task.Run(async () =>
            {
                var all = new MemoryStream();
                await pipe.Reader.CopyToAsync(all);
                return all.ToArray();
            });
        }

        // Each sender broadcasts [sender, sequence high, sequence low] to every member, waking them in groups.
        await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(() =>
        {
            for (int k = 0; k < perSender; k++)
            {
                byte[] message = [(byte)sender, (byte)(k >> 8), (byte)k];
                DrainGroup? group = null;
                foreach (var queue in queues)
                {
                    Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(message, out bool mustDrain));
                    if (mustDrain)
                    {
                        group = DrainGroup.Add(group, queue);
                    }
                }

                group?.Schedule();
            }
        })));

        foreach (var queue in queues)
        {
            queue.Complete();
        }

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var pipe in pipes)
        {
            await pipe.Writer.CompleteAsync();
        }

        foreach (var reader in readers)
        {
            var bytes = await reader.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(senders * perSender * 3, bytes.Length);
            var next = new int[senders];
            for (int i = 0; i < bytes.Length; i += 3)
            {
                int sender = bytes[i];
                Assert.Equal(next[sender]++, (bytes[i + 1] << 8) | bytes[i + 2]);
            }

            Assert.All(next, n => Assert.Equal(perSender, n));
        }

        Assert.All(queues, q => Assert.Equal(0, q.QueuedBytes));
    }

    [Fact]
    public async Task A_queue_completed_before_its_writer_starts_still_sends_what_it_holds()
    {
        var pipe = new Pipe();
        var queue = new OutboundQueue();
        queue.TryEnqueue("bye"u8.ToArray());
        queue.Complete();
        var context = new DefaultConnectionContext("c1", new Duplex(new Pipe().Reader, pipe.Writer), new Duplex(pipe.Reader, new Pipe().Writer));
        queue.Start(new TestOwner(new ClientConnection(context, ListenerProtocol.Chat)));
        await queue.Sent.WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        var all = new MemoryStream();
        await pipe.Reader.CopyToAsync(all);
        Assert.Equal("bye"u8.ToArray(), all.ToArray());
    }

    [Fact]
    public async Task A_client_gone_quiet_after_a_burst_keeps_no_list_the_burst_grew()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var queue = new OutboundQueue();
        for (int i = 0; i < 1000; i++)
        {
            queue.TryEnqueue([1, 2, 3]);
        }

        Assert.True(queue.RetainedCapacity >= 1000);
        var context = new DefaultConnectionContext("c1", new Duplex(new Pipe().Reader, pipe.Writer), new Duplex(pipe.Reader, new Pipe().Writer));
        queue.Start(new TestOwner(new ClientConnection(context, ListenerProtocol.Chat)));
        var writer = queue.Sent;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (queue.QueuedBytes > 0 || queue.RetainedCapacity > OutboundQueue.SpareCapacity)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still {queue.QueuedBytes} bytes queued, capacity {queue.RetainedCapacity}");
            await Task.Delay(10);
        }

        // Still serving: the next message goes out as before.
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue([4]));
        queue.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        var all = new MemoryStream();
        await pipe.Reader.CopyToAsync(all);
        Assert.Equal(3001, all.Length);
        Assert.Equal(4, all.ToArray()[^1]);
    }

    [Fact]
    public async Task A_client_that_got_one_batch_keeps_no_list_once_it_is_sent()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var queue = new OutboundQueue();
        queue.TryEnqueue([1]);
        queue.TryEnqueue([2]);
        Assert.True(queue.RetainedCapacity > 0);

        var context = new DefaultConnectionContext("c1", new Duplex(new Pipe().Reader, pipe.Writer), new Duplex(pipe.Reader, new Pipe().Writer));
        queue.Start(new TestOwner(new ClientConnection(context, ListenerProtocol.Chat)));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (queue.QueuedBytes > 0 || queue.RetainedCapacity > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still {queue.QueuedBytes} bytes queued, capacity {queue.RetainedCapacity}");
            await Task.Delay(10);
        }

        var read = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new byte[] { 1, 2 }, read.Buffer.ToArray());
    }

    [Fact]
    public async Task A_waiting_writer_wakes_for_each_message_and_ends_on_completion()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var queue = new OutboundQueue();
        var context = new DefaultConnectionContext("c1", new Duplex(new Pipe().Reader, pipe.Writer), new Duplex(pipe.Reader, new Pipe().Writer));
        queue.Start(new TestOwner(new ClientConnection(context, ListenerProtocol.Chat)));
        var writer = queue.Sent;
        for (byte i = 1; i <= 3; i++)
        {
            queue.TryEnqueue([i]);
            var read = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(new[] { i }, read.Buffer.ToArray());
            pipe.Reader.AdvanceTo(read.Buffer.End);
        }

        Assert.False(writer.IsCompleted);
        queue.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(EnqueueResult.Closed, queue.TryEnqueue([9]));
    }

    /// <summary>The queue's owner for tests: its connection, a limit, a clock; counts the slow-client calls.</summary>
    private sealed class TestOwner(ClientConnection connection, TimeProvider? time = null) : IOutboundQueueOwner
    {
        private int _slowCalls;

        public ClientConnection Connection { get; } = connection;

        public SendQueueLimit Limit { get; init; } = SendQueueLimit.None;

        SendQueueLimit IOutboundQueueOwner.SendQueueLimit => Limit;

        public TimeProvider Time { get; } = time ?? TimeProvider.System;

        public int SlowCalls => Volatile.Read(ref _slowCalls);

        public void OnSlowClient() => Interlocked.Increment(ref _slowCalls);
    }

    /// <summary>
    /// A client that reads nothing until told to, over an output pipe that takes one byte before it pushes back:
    /// once plugged, every send waits. (No socket: the kernel is never asked, it "takes no more".)
    /// </summary>
    [Fact]
    public async Task Freeze_takes_what_waits_and_sends_none_of_it_only_what_a_drain_had_taken_already()
    {
        var client = new StalledClient();
        var owner = new TestOwner(client.Connection);
        var queue = new OutboundQueue();
        queue.Start(owner);
        await StalledClient.PlugAsync(queue);
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue("one\n"u8.ToArray()));
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue("two\n"u8.ToArray()));
        Assert.False(queue.IsQuiet);

        Assert.Equal("one\ntwo\n"u8.ToArray(), queue.Freeze());
        Assert.Equal(EnqueueResult.Closed, queue.TryEnqueue("three\n"u8.ToArray(), enforceLimit: false));
        Assert.Equal(new byte[] { 0xFF }, await client.ReadUntilQuietAsync(queue));
    }

    private sealed class StalledClient
    {
        private readonly Pipe _output = new(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1));

        public StalledClient()
        {
            var context = new DefaultConnectionContext("c1", new Duplex(new Pipe().Reader, _output.Writer), new Duplex(_output.Reader, new Pipe().Writer));
            Connection = new ClientConnection(context, ListenerProtocol.Chat);
        }

        public ClientConnection Connection { get; }

        /// <summary>Sends one byte, which the client does not read: the queue's drain now waits on it.</summary>
        public static async Task PlugAsync(OutboundQueue queue)
        {
            Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue([0xFF]));
            await WaitForAsync(() => queue.QueuedBytes == 0);
        }

        public async Task<byte[]> ReadAllAsync()
        {
            var all = new MemoryStream();
            await _output.Reader.CopyToAsync(all);
            return all.ToArray();
        }

        public void EndOutput() => _output.Writer.Complete();

        /// <summary>Reads what was sent so far (unblocking the sender), until the queue has nothing in flight.</summary>
        public async Task<byte[]> ReadUntilQuietAsync(OutboundQueue queue)
        {
            var all = new List<byte>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                if (_output.Reader.TryRead(out var result))
                {
                    all.AddRange(result.Buffer.ToArray());
                    _output.Reader.AdvanceTo(result.Buffer.End);
                }
                else if (queue.IsQuiet)
                {
                    return [.. all];
                }
                else
                {
                    await Task.Delay(5);
                }
            }

            throw new TimeoutException("the queue did not become quiet");
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
