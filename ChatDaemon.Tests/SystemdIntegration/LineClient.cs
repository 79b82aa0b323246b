using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>A nc-like client over loopback: writes lines, reads lines with a deadline.</summary>
internal sealed class LineClient : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly NetworkStream _stream;

    private LineClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public List<string> Received { get; } = [];

    /// <summary>
    /// This end of a TCP connection as an IPv4 server sees it (its remote end point): the client's
    /// dual-mode socket reports an IPv4-mapped IPv6 address, the server's IPv4 socket the plain one.
    /// </summary>
    public IPEndPoint LocalEndPoint => _client.Client.LocalEndPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped
        ? new IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port)
        : (IPEndPoint)_client.Client.LocalEndPoint!;

    public static async Task<LineClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        return new LineClient(client);
    }

    public static async Task<LineClient> ConnectUnixAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token);
        return new LineClient(new TcpClient { Client = socket });
    }

    public async Task SendAsync(string line) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>The next line, or null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        string? line = await _reader.ReadLineAsync(cts.Token);
        if (line is not null)
        {
            Received.Add(line);
        }

        return line;
    }

    /// <summary>Reads until a line matches; fails with everything read when the connection ends first or time runs out.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            string? line;
            try
            {
                line = left > TimeSpan.Zero ? await ReadLineAsync(left) : throw new OperationCanceledException();
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no matching line; received:\n" + string.Join('\n', Received));
            }

            if (line is null)
            {
                throw new IOException("connection closed before a matching line; received:\n" + string.Join('\n', Received));
            }

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
        while (await ReadLineAsync(timeout) is string line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _client.Dispose();
    }
}
