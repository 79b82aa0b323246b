using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Tests.Integration;

/// <summary>A chat user on a real TCP connection: sends lines, reads CRLF lines with a timeout.</summary>
public sealed class LineClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _pending = new();

    private LineClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public Socket Socket => _tcp.Client;

    public string Nick { get; private set; } = "";

    /// <summary>Connects and reads the greeting up to "* you are NICK in room ROOM".</summary>
    public static async Task<LineClient> ConnectAsync(int port, bool readGreeting = true)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var client = new LineClient(tcp);
        if (readGreeting)
        {
            string line = await client.ReadUntilAsync(l => l.StartsWith("* you are ", StringComparison.Ordinal));
            client.Nick = line.Split(' ')[3];
        }

        return client;
    }

    public async Task<LineClient> WithNickAsync(string nick)
    {
        await SendAsync("/nick " + nick);
        Assert.Equal($"* you are now known as {nick}", await ReadLineAsync());
        Nick = nick;
        return this;
    }

    public Task SendAsync(string line) => SendRawAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>The next line, without CRLF; fails if none comes in time or the server closed.</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        return Encoding.UTF8.GetString(await ReadLineBytesAsync(timeout));
    }

    public async Task<byte[]> ReadLineBytesAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            if (TryTakeLine(out byte[] line))
            {
                return line;
            }

            int n;
            try
            {
                n = await _stream.ReadAsync(_buffer, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line within the timeout; pending: '{PendingText()}'");
            }

            if (n == 0)
            {
                throw new EndOfStreamException($"server closed the connection; pending: '{PendingText()}'");
            }

            _pending.Write(_buffer, 0, n);
        }
    }

    private bool TryTakeLine(out byte[] line)
    {
        var pending = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
        int lf = pending.IndexOf((byte)'\n');
        if (lf < 0)
        {
            line = [];
            return false;
        }

        Assert.True(lf > 0 && pending[lf - 1] == (byte)'\r', "server lines end in CRLF");
        line = pending[..(lf - 1)].ToArray();
        byte[] rest = pending[(lf + 1)..].ToArray();
        _pending.SetLength(0);
        _pending.Write(rest);
        return true;
    }

    private string PendingText() => Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length);

    public async Task<string> ReadUntilAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            string line = await ReadLineAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (match(line))
            {
                return line;
            }
        }
    }

    /// <summary>True once the server closed the connection (end of stream or reset), reading past any lines still pending.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (await _stream.ReadAsync(_buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Proves nothing else was sent to this client before: asks /who and expects its answer as the very next line.
    /// Ordering on one connection makes this exact, with no sleep.
    /// </summary>
    public async Task AssertNothingPendingAsync()
    {
        await SendAsync("/who");
        string line = await ReadLineAsync();
        Assert.StartsWith("* in ", line);
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
