using System.Net;
using System.Net.Sockets;

namespace ChatDaemon.Logging.Syslog;

// Datagram transports: /dev/log (AF_UNIX, as syslog(3) uses) and UDP (RFC 5426), one message per
// datagram. The socket is connected so a missing receiver shows up as an error (ECONNREFUSED,
// ENOENT) the sink can back off on.
internal sealed class DatagramSyslogTransport : ISyslogTransport
{
    public const string DefaultLocalPath = "/dev/log";

    private readonly Func<CancellationToken, ValueTask<EndPoint>> _resolve;
    private Socket? _socket;

    private DatagramSyslogTransport(string endpoint, Func<CancellationToken, ValueTask<EndPoint>> resolve)
    {
        Endpoint = endpoint;
        _resolve = resolve;
    }

    public string Endpoint { get; }

    public bool IsStream => false;

    public bool IsConnected => _socket is not null;

    public static DatagramSyslogTransport Local(string path = DefaultLocalPath) =>
        new($"unix://{path}", _ => ValueTask.FromResult<EndPoint>(new UnixDomainSocketEndPoint(path)));

    public static DatagramSyslogTransport Udp(string host, int port) =>
        new($"udp://{host}:{port}", async cancellationToken =>
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            return new IPEndPoint(addresses[0], port);
        });

    public async ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        var endPoint = await _resolve(cancellationToken).ConfigureAwait(false);
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new InvalidOperationException("Not connected");
        await socket.SendAsync(payload, SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    public void Disconnect()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Disconnect();
}
