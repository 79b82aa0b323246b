using System.Diagnostics;
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using ChatDaemon.Networking.Epoll;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Tests.Networking;

/// <summary>The epoll transport on real loopback and unix sockets, without the rest of the server.</summary>
public sealed class EpollTransportTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly EpollTransportFactory _factory = new(
        Options.Create(new TransportOptions { EventLoops = 2 }), NullLogger<EpollTransportFactory>.Instance);

    private readonly List<IAsyncDisposable> _cleanup = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup)
        {
            await item.DisposeAsync();
        }

        _factory.Dispose();
    }

    [Fact]
    public async Task Bytes_are_received_in_order_and_sent_back_whole_through_the_send_feature()
    {
        var (server, client) = await ConnectAsync();
        var payload = Pattern(3 * 1024 * 1024);
        var sending = Task.Run(() => client.Send(payload));

        // Echo what arrives, as the echo protocol does, straight from the receive buffers.
        var send = server.Features.Get<IConnectionSendFeature>()!;
        var echoing = Task.Run(async () =>
        {
            long total = 0;
            while (total < payload.Length)
            {
                var result = await server.Transport.Input.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    Assert.True(await send.SendAsync(segment));
                }

                total += result.Buffer.Length;
                server.Transport.Input.AdvanceTo(result.Buffer.End);
            }
        });

        var echoed = await ReceiveExactlyAsync(client, payload.Length);
        await sending.WaitAsync(Patience);
        await echoing.WaitAsync(Patience);
        Assert.True(payload.AsSpan().SequenceEqual(echoed));
    }

    [Fact]
    public async Task A_reader_that_falls_behind_loses_nothing_once_it_reads_again()
    {
        var (server, client) = await ConnectAsync();
        var payload = Pattern(8 * 1024 * 1024);

        // The server reads nothing for a while: its input pipe fills, the socket leaves the read set and
        // the client's writes block in TCP; then everything must arrive, in order.
        var sending = Task.Run(() => client.Send(payload));

        // Backpressure reached the client: its socket takes no more (the server's window closed), while the send
        // is still under way. Waited for as a condition, not a time.
        var deadline = DateTime.UtcNow + Patience;
        while (client.Poll(TimeSpan.Zero, SelectMode.SelectWrite) && !sending.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.False(sending.IsCompleted, "8 MiB fit in the kernel's buffers and the input pipe: the test proves nothing");
        Assert.False(client.Poll(TimeSpan.Zero, SelectMode.SelectWrite), "the client's socket never filled up");

        var received = await ReadExactlyAsync(server.Transport.Input, payload.Length);
        await sending.WaitAsync(Patience);
        Assert.True(payload.AsSpan().SequenceEqual(received));
    }

    [Fact]
    public async Task A_send_to_a_client_that_does_not_read_waits_and_completes_when_it_reads()
    {
        var (server, client) = await ConnectAsync();
        var payload = Pattern(16 * 1024 * 1024);
        var send = server.Features.Get<IConnectionSendFeature>()!.SendAsync(payload).AsTask();

        // The first bytes reaching the client prove the send is under way; it cannot have finished while the client
        // has taken at most one receive's worth, unless 16 MiB fit in the kernel's buffers.
        var received = new byte[payload.Length];
        int filled = await client.ReceiveAsync(received.AsMemory()).AsTask().WaitAsync(Patience);
        Assert.True(filled > 0, "the connection ended early");
        Assert.False(send.IsCompleted, "16 MiB fit in the kernel's buffers: the test proves nothing");

        while (filled < payload.Length)
        {
            int n = await client.ReceiveAsync(received.AsMemory(filled)).AsTask().WaitAsync(Patience);
            Assert.True(n > 0, "the connection ended early");
            filled += n;
        }

        Assert.True(await send.WaitAsync(Patience));
        Assert.True(payload.AsSpan().SequenceEqual(received));
    }

    [Fact]
    public async Task A_send_waiting_for_room_returns_false_when_the_connection_is_aborted()
    {
        var (server, client) = await ConnectAsync();
        var send = server.Features.Get<IConnectionSendFeature>()!.SendAsync(Pattern(16 * 1024 * 1024)).AsTask();

        // Bytes waiting in the client's receive queue prove the send is under way; the client never reads, so
        // 16 MiB cannot all have gone unless the kernel's buffers hold them.
        var started = Stopwatch.StartNew();
        while (client.Available == 0)
        {
            Assert.True(started.Elapsed < Patience, "the send never reached the client");
            await Task.Delay(5);
        }

        Assert.False(send.IsCompleted, "16 MiB fit in the kernel's buffers: the test proves nothing");

        server.Abort(new ConnectionAbortedException("test"));
        Assert.False(await send.WaitAsync(Patience));
        Assert.False(await server.Features.Get<IConnectionSendFeature>()!.SendAsync(new byte[] { 1 }));
    }

    [Fact]
    public async Task Abort_ends_the_input_of_a_paused_reader_after_what_it_already_holds()
    {
        var (server, client) = await ConnectAsync();
        _ = Task.Run(() =>
        {
            try
            {
                client.Send(Pattern(8 * 1024 * 1024));
            }
            catch (SocketException)
            {
                // The abort resets the client's connection.
            }
        });
        await Task.Delay(300);

        var reason = new ConnectionAbortedException("drain timeout");
        server.Abort(reason);
        var input = server.Transport.Input;
        var ended = await Assert.ThrowsAsync<ConnectionAbortedException>(async () =>
        {
            while (true)
            {
                var result = await input.ReadAsync().AsTask().WaitAsync(Patience);
                input.AdvanceTo(result.Buffer.End);
                Assert.False(result.IsCompleted, "an aborted input must end with the abort, not like a clean close");
            }
        });
        Assert.Same(reason, ended);
        Assert.True(server.ConnectionClosed.IsCancellationRequested);
    }

    [Fact]
    public async Task A_client_that_closes_ends_the_input_cleanly_and_a_reset_is_a_reset()
    {
        var (quiet, quietClient) = await ConnectAsync();
        quietClient.Send("bye"u8.ToArray());
        quietClient.Shutdown(SocketShutdown.Send);
        var received = await ReadExactlyAsync(quiet.Transport.Input, 3);
        Assert.Equal("bye"u8.ToArray(), received);
        var end = await quiet.Transport.Input.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.True(end.IsCompleted);

        var (reset, resetClient) = await ConnectAsync();
        resetClient.LingerState = new LingerOption(true, 0); // close(2) sends RST (socket(7) SO_LINGER)
        resetClient.Close();
        var error = await Record.ExceptionAsync(async () =>
        {
            while (true)
            {
                var result = await reset.Transport.Input.ReadAsync().AsTask().WaitAsync(Patience);
                reset.Transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        });
        Assert.NotNull(error);
        Assert.Equal(ConnectionErrorKind.Reset, ConnectionErrorClassifier.Classify(error));
    }

    [Fact]
    public async Task Output_written_through_the_pipe_is_sent_before_dispose_closes_the_socket()
    {
        var (server, client) = await ConnectAsync();
        var output = server.Transport.Output;
        var payload = Pattern(2 * 1024 * 1024);
        await output.WriteAsync(payload);
        var receiving = ReceiveToEndAsync(client);
        await server.DisposeAsync();
        var received = await receiving.WaitAsync(Patience);
        Assert.True(payload.AsSpan().SequenceEqual(received));
    }

    [Fact]
    public async Task Unix_socket_listeners_accept_and_report_their_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"epoll-test-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        try
        {
            var endpoint = new UnixDomainSocketEndPoint(path);
            var listener = await _factory.BindAsync(endpoint);
            _cleanup.Add(listener);
            Assert.Equal(path, listener.EndPoint.ToString());

            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(endpoint);
            var server = (await listener.AcceptAsync().AsTask().WaitAsync(Patience))!;
            _cleanup.Add(server);
            client.Send("over unix\n"u8.ToArray());
            Assert.Equal("over unix\n"u8.ToArray(), await ReadExactlyAsync(server.Transport.Input, 10));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Accept_returns_null_once_the_listener_is_unbound()
    {
        var listener = await _factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var accepting = listener.AcceptAsync().AsTask();
        await listener.UnbindAsync();
        Assert.Null(await accepting.WaitAsync(Patience));
        await listener.DisposeAsync();
    }

    [Fact]
    public async Task Many_connections_over_both_loops_each_get_their_own_bytes()
    {
        var listener = await _factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        _cleanup.Add(listener);
        var port = ((IPEndPoint)listener.EndPoint).Port;
        var pairs = new List<(ConnectionContext Server, Socket Client)>();
        for (int i = 0; i < 64; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, port);
            var server = (await listener.AcceptAsync().AsTask().WaitAsync(Patience))!;
            _cleanup.Add(server);
            pairs.Add((server, client));
        }

        // Each client writes its own number; each server side must read exactly that, whatever loop serves it.
        for (int i = 0; i < pairs.Count; i++)
        {
            pairs[i].Client.Send(BitConverter.GetBytes(i));
        }

        for (int i = 0; i < pairs.Count; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(await ReadExactlyAsync(pairs[i].Server.Transport.Input, 4)));
            pairs[i].Client.Dispose();
        }
    }

    [Fact]
    public async Task Connections_that_come_and_go_concurrently_never_see_each_others_bytes()
    {
        // Closed descriptors are reused at once by new accepts; a stale event or send must never reach them.
        var listener = await _factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        _cleanup.Add(listener);
        var endpoint = (IPEndPoint)listener.EndPoint;
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            var echoes = new List<Task>();
            while (await listener.AcceptAsync(stop.Token) is { } connection)
            {
                echoes.Add(EchoUntilClosedAsync(connection));
            }

            await Task.WhenAll(echoes);
        });

        int mismatches = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < 150; i++)
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync(endpoint);
                var payload = Encoding.ASCII.GetBytes($"worker {worker} round {i} {Guid.NewGuid():N}\n");
                await client.SendAsync(payload);
                var echoed = await ReceiveExactlyAsync(client, payload.Length);
                if (!payload.AsSpan().SequenceEqual(echoed))
                {
                    Interlocked.Increment(ref mismatches);
                }

                if (i % 3 == 0)
                {
                    client.LingerState = new LingerOption(true, 0); // every third leaves with a reset
                }
            }
        })));

        Assert.Equal(0, mismatches);
        await listener.UnbindAsync();
        await serving.WaitAsync(Patience);
    }

    [Fact]
    public async Task Work_a_reader_defers_runs_on_its_event_loop_after_the_reader_has_returned()
    {
        var (server, client) = await ConnectAsync();
        var work = new RecordingWork();
        var reading = Task.Run(async () =>
        {
            var result = await server.Transport.Input.ReadAsync().ConfigureAwait(false);

            // Resumed inline by the event loop that received the bytes.
            work.ReaderThread = Environment.CurrentManagedThreadId;
            work.Deferred = server.Features.Get<IDeferredWorkFeature>()!.TryRunAfterCurrentEvents(work);
            work.ReaderReturned = true;
            server.Transport.Input.AdvanceTo(result.Buffer.End);
        });

        await Task.Delay(100);
        client.Send("go\n"u8.ToArray());
        await reading.WaitAsync(Patience);
        var ran = await work.Ran.Task.WaitAsync(Patience);
        Assert.Equal(work.ReaderThread, ran.Thread);
        Assert.True(ran.AfterReader, "deferred work ran before the reader returned to the loop");
        Assert.StartsWith("epoll-", ran.ThreadName);
        Assert.True(work.Deferred);
    }

    [Fact]
    public async Task Work_offered_to_a_connection_from_outside_its_event_loop_is_refused_so_the_caller_runs_it_elsewhere()
    {
        var (server, _) = await ConnectAsync();
        var work = new RecordingWork();
        bool deferred = await Task.Run(() => server.Features.Get<IDeferredWorkFeature>()!.TryRunAfterCurrentEvents(work));
        Assert.False(deferred);
    }

    private sealed class RecordingWork : IThreadPoolWorkItem
    {
        public volatile bool ReaderReturned;

        public bool Deferred;

        public int ReaderThread;

        public TaskCompletionSource<(int Thread, string? ThreadName, bool AfterReader)> Ran { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Execute() => Ran.TrySetResult((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, ReaderReturned));
    }

    private static async Task EchoUntilClosedAsync(ConnectionContext connection)
    {
        var send = connection.Features.Get<IConnectionSendFeature>()!;
        try
        {
            while (true)
            {
                var result = await connection.Transport.Input.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    await send.SendAsync(segment);
                }

                connection.Transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ConnectionErrorClassifier.Classify(ex) != ConnectionErrorKind.Unexpected)
        {
            // The client reset the connection.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<(ConnectionContext Server, Socket Client)> ConnectAsync()
    {
        var listener = await _factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        _cleanup.Add(listener);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.EndPoint);
        var server = (await listener.AcceptAsync().AsTask().WaitAsync(Patience))!;
        _cleanup.Add(server);
        _cleanup.Add(new SocketDisposal(client));
        return (server, client);
    }

    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i * 31) ^ (i >> 8));
        }

        return bytes;
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader input, int length)
    {
        var received = new byte[length];
        int filled = 0;
        while (filled < length)
        {
            var result = await input.ReadAsync().AsTask().WaitAsync(Patience);
            var take = result.Buffer.Slice(0, Math.Min(result.Buffer.Length, length - filled));
            take.CopyTo(received.AsSpan(filled));
            filled += (int)take.Length;
            input.AdvanceTo(take.End);
            Assert.False(result.IsCompleted && filled < length, "the input ended early");
        }

        return received;
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int length)
    {
        var received = new byte[length];
        int filled = 0;
        while (filled < length)
        {
            int n = await socket.ReceiveAsync(received.AsMemory(filled)).AsTask().WaitAsync(Patience);
            Assert.True(n > 0, "the connection ended early");
            filled += n;
        }

        return received;
    }

    private static async Task<byte[]> ReceiveToEndAsync(Socket socket)
    {
        var all = new ArrayBufferWriter<byte>();
        while (true)
        {
            var memory = all.GetMemory(65536);
            int n = await socket.ReceiveAsync(memory);
            if (n == 0)
            {
                return all.WrittenSpan.ToArray();
            }

            all.Advance(n);
        }
    }

    private sealed class SocketDisposal(Socket socket) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
