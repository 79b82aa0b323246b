using System.Buffers;
using System.Text;
using ChatDaemon.Networking.Epoll;

namespace ChatDaemon.Tests.Networking;

/// <summary>The epoll transport's input, driven by hand as the event loop drives it.</summary>
public sealed class ReceiveBufferTests
{
    private sealed class RecordingOwner : IReceiveBufferOwner
    {
        public int Resumes;
        public int Completions;

        public void ResumeReceiving() => Resumes++;

        public void ReaderCompleted() => Completions++;
    }

    private readonly RecordingOwner _owner = new();
    private readonly ReceiveBuffer _input;

    public ReceiveBufferTests() => _input = new ReceiveBuffer(_owner);

    private void Receive(string text) => Receive(Encoding.ASCII.GetBytes(text));

    private void Receive(byte[] bytes)
    {
        var room = _input.BeginReceive();
        Assert.True(room.Count >= bytes.Length, "no room to receive into");
        bytes.CopyTo(room.AsSpan());
        _input.EndReceive(bytes.Length);
    }

    [Fact]
    public async Task Received_bytes_are_read_and_the_array_goes_back_once_all_is_consumed()
    {
        Assert.Equal(0, _input.HeldBytes);
        Receive("hello\n");
        Assert.True(_input.HeldBytes > 0);

        var result = await _input.ReadAsync();
        Assert.Equal("hello\n", Encoding.ASCII.GetString(result.Buffer));
        _input.AdvanceTo(result.Buffer.End);
        Assert.Equal(0, _input.HeldBytes);
    }

    [Fact]
    public void A_waiting_reader_runs_inline_inside_the_receive()
    {
        string? seen = null;
        var read = _input.ReadAsync();
        Assert.False(read.IsCompleted);
        read.ConfigureAwait(false).GetAwaiter().OnCompleted(() =>
        {
            var result = read.Result;
            seen = Encoding.ASCII.GetString(result.Buffer);
            _input.AdvanceTo(result.Buffer.End);
        });

        Receive("now\n");

        // EndReceive returned only after the reader handled the bytes: it ran on this thread.
        Assert.Equal("now\n", seen);
        Assert.Equal(0, _input.HeldBytes);
    }

    [Fact]
    public async Task A_reader_that_examined_everything_waits_for_new_bytes_and_keeps_the_old()
    {
        Receive("par");
        var first = await _input.ReadAsync();
        _input.AdvanceTo(first.Buffer.Start, first.Buffer.End);

        var second = _input.ReadAsync();
        Assert.False(second.IsCompleted, "nothing new arrived: the read must wait");
        Receive("tial\n");
        var result = await second;
        Assert.Equal("partial\n", Encoding.ASCII.GetString(result.Buffer));
        _input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task A_full_buffer_stops_receiving_until_the_reader_makes_room()
    {
        var chunk = new byte[4096];
        int total = 0;
        while (true)
        {
            var room = _input.BeginReceive();
            if (room.Count == 0)
            {
                break;
            }

            int n = Math.Min(room.Count, chunk.Length);
            _input.EndReceive(n);
            total += n;
            Assert.True(total <= ReceiveBuffer.MaxBytes, "the buffer grew past its limit with unread bytes");
        }

        Assert.Equal(ReceiveBuffer.MaxBytes, total);
        Assert.Equal(0, _owner.Resumes);

        var result = await _input.ReadAsync();
        _input.AdvanceTo(result.Buffer.GetPosition(100));
        Assert.Equal(1, _owner.Resumes);
        Assert.True(_input.BeginReceive().Count >= 100);
        _input.EndReceive(0);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_still_arrives_when_the_reader_has_looked_at_all_of_it()
    {
        // The protocol's own line limit is off: the reader needs more to make progress, so the buffer grows.
        var line = Encoding.ASCII.GetBytes(new string('z', ReceiveBuffer.MaxBytes + 5000) + "\n");
        int offset = 0;
        while (true)
        {
            var room = _input.BeginReceive();
            if (room.Count == 0)
            {
                var partial = await _input.ReadAsync();
                Assert.True(partial.Buffer.PositionOf((byte)'\n') is null);
                _input.AdvanceTo(partial.Buffer.Start, partial.Buffer.End);
                continue;
            }

            int n = Math.Min(room.Count, line.Length - offset);
            line.AsSpan(offset, n).CopyTo(room.AsSpan());
            _input.EndReceive(n);
            offset += n;
            if (offset == line.Length)
            {
                break;
            }
        }

        var result = await _input.ReadAsync();
        Assert.Equal(line.Length, result.Buffer.Length);
        Assert.True(line.AsSpan().SequenceEqual(result.Buffer.ToArray()));
        _input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task A_clean_end_delivers_what_is_left_then_reports_completion()
    {
        Receive("last words\n");
        _input.CompleteWriter(null);
        var result = await _input.ReadAsync();
        Assert.True(result.IsCompleted);
        Assert.Equal("last words\n", Encoding.ASCII.GetString(result.Buffer));
        _input.AdvanceTo(result.Buffer.End);

        var end = await _input.ReadAsync();
        Assert.True(end.IsCompleted);
        Assert.True(end.Buffer.IsEmpty);
        _input.AdvanceTo(end.Buffer.End);
    }

    [Fact]
    public async Task A_failed_input_throws_its_error_to_a_waiting_reader()
    {
        var read = _input.ReadAsync();
        var error = new IOException("reset");
        _input.CompleteWriter(error);
        Assert.Same(error, await Assert.ThrowsAsync<IOException>(async () => await read));
    }

    [Fact]
    public async Task Cancelling_the_token_of_a_waiting_read_throws_and_the_next_read_works()
    {
        using var stop = new CancellationTokenSource();
        var read = _input.ReadAsync(stop.Token);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);

        Receive("after\n");
        var result = await _input.ReadAsync();
        Assert.Equal("after\n", Encoding.ASCII.GetString(result.Buffer));
        _input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task CancelPendingRead_wakes_the_reader_with_a_cancelled_result()
    {
        var read = _input.ReadAsync();
        _input.CancelPendingRead();
        var result = await read;
        Assert.True(result.IsCanceled);
        _input.AdvanceTo(result.Buffer.End);

        _input.CancelPendingRead();
        var next = await _input.ReadAsync();
        Assert.True(next.IsCanceled, "a cancel before the read applies to the next read");
        _input.AdvanceTo(next.Buffer.End);
    }

    [Fact]
    public void Completing_the_reader_tells_the_owner_and_refuses_further_receives()
    {
        Receive("unread");
        _input.Complete();
        Assert.Equal(1, _owner.Completions);
        Assert.Equal(0, _input.BeginReceive().Count);
        Assert.Equal(0, _input.HeldBytes);
        Assert.Throws<InvalidOperationException>(() => _input.TryRead(out _));
    }

    [Fact]
    public async Task Advancing_without_a_read_or_outside_the_buffer_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => _input.AdvanceTo(default));
        Receive("abc");
        var result = await _input.ReadAsync();
        var foreign = new ReadOnlySequence<byte>(new byte[10]);
        Assert.Throws<InvalidOperationException>(() => _input.AdvanceTo(foreign.End));
    }

    [Fact]
    public async Task A_canceled_try_read_returns_the_bytes_already_examined_and_not_consumed()
    {
        // What a session's state capture relies on: a partial line, examined and left, comes back whole.
        Receive("done\nhalf");
        var result = await _input.ReadAsync();
        _input.AdvanceTo(result.Buffer.GetPosition(5), result.Buffer.End);
        Assert.False(_input.TryRead(out _));

        _input.CancelPendingRead();
        Assert.True(_input.TryRead(out result));
        Assert.True(result.IsCanceled);
        Assert.Equal("half", Encoding.ASCII.GetString(result.Buffer));
        _input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
    }
}
