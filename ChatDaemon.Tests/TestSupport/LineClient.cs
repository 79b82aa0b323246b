using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Tests.TestSupport;

/// <summary>
/// The one line client of every suite: a chat (or echo) user on a real socket, as nc or telnet would be. Sends
/// lines, reads lines with a deadline, and remembers every line read (<see cref="Received"/>) so that a failure
/// shows what came instead. Chat lines must end in CRLF (the server's rule); an echo client takes what it sent.
/// </summary>
public sealed class LineClient : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly bool _crlf;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _pending = new();

    private LineClient(Socket socket, bool crlf)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _crlf = crlf;
    }

    public Socket Socket => _socket;

    public string Nick { get; private set; } = "";

    /// <summary>Every line read so far, in order.</summary>
    public List<string> Received { get; } = [];

    /// <summary>
    /// This end of a TCP connection as an IPv4 server sees it (its remote end point): a dual-mode socket reports
    /// an IPv4-mapped IPv6 address, the server's IPv4 socket the plain one.
    /// </summary>
    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped
        ? new IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port)
        : (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/>; with <paramref name="readGreeting"/> reads the chat greeting up
    /// to "* you are NICK in room ROOM". <paramref name="crlf"/> false for an echo client (lines end as sent).
    /// </summary>
    public static async Task<LineClient> ConnectAsync(int port, bool readGreeting = true, bool crlf = true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new LineClient(socket, crlf);
        if (readGreeting)
        {
            string line = await client.ReadUntilAsync(l => l.StartsWith("* you are ", StringComparison.Ordinal));
            client.Nick = line.Split(' ')[3];
        }

        return client;
    }

    /// <summary>A client over a socket the test connected itself (e.g. straight to a transport's listener); it owns the socket.</summary>
    public static LineClient Over(Socket connected, bool crlf = true) => new(connected, crlf);

    /// <summary>Connects to a unix stream socket at <paramref name="path"/> (no greeting read).</summary>
    public static async Task<LineClient> ConnectUnixAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new LineClient(socket, crlf: true);
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

    /// <summary>The next line, without its ending; throws if none comes in time (TimeoutException) or the server closed (EndOfStreamException).</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null) =>
        await TryReadLineAsync(timeout) ?? throw new EndOfStreamException($"server closed the connection; pending: '{PendingText()}'; received:\n{string.Join('\n', Received)}");

    /// <summary>The next line, or null once the server closed the connection.</summary>
    public async Task<string?> TryReadLineAsync(TimeSpan? timeout = null)
    {
        byte[]? bytes = await ReadLineBytesOrEndAsync(timeout);
        if (bytes is null)
        {
            return null;
        }

        string line = Encoding.UTF8.GetString(bytes);
        Received.Add(line);
        return line;
    }

    public async Task<byte[]> ReadLineBytesAsync(TimeSpan? timeout = null) =>
        await ReadLineBytesOrEndAsync(timeout) ?? throw new EndOfStreamException($"server closed the connection; pending: '{PendingText()}'");

    private async Task<byte[]?> ReadLineBytesOrEndAsync(TimeSpan? timeout)
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
                throw new TimeoutException($"no line within the timeout; pending: '{PendingText()}'; received:\n{string.Join('\n', Received)}");
            }

            if (n == 0)
            {
                return null;
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

        int end = lf;
        if (_crlf)
        {
            Assert.True(lf > 0 && pending[lf - 1] == (byte)'\r', "server lines end in CRLF");
            end = lf - 1;
        }

        line = pending[..end].ToArray();
        byte[] rest = pending[(lf + 1)..].ToArray();
        _pending.SetLength(0);
        _pending.Write(rest);
        return true;
    }

    private string PendingText() => Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length);

    /// <summary>Reads until a line matches and returns it; fails with everything read when time runs out or the server closes first.</summary>
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

    /// <summary>Reads until the server closes; returns the lines read meanwhile.</summary>
    public async Task<List<string>> ReadToEndAsync(TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        while (await TryReadLineAsync(timeout) is string line)
        {
            lines.Add(line);
        }

        return lines;
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

    public void Dispose() => _stream.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
