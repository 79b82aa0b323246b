using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ChatDaemon.Logging.Syslog;

// TCP (RFC 6587) and syslog over TLS (RFC 5425). Before each send the socket is polled: a syslog
// receiver never sends anything, so a readable socket with nothing to read means the receiver
// closed the connection, and the sink reconnects instead of writing into a dead connection.
internal sealed class TcpSyslogTransport : ISyslogTransport
{
    private readonly string _host;
    private readonly int _port;
    private readonly SyslogTlsSettings? _tls;
    private Socket? _socket;
    private Stream? _stream;

    public TcpSyslogTransport(string host, int port, SyslogTlsSettings? tls)
    {
        _host = host;
        _port = port;
        _tls = tls;
        Endpoint = $"{(tls is null ? "tcp" : "tls")}://{host}:{port}";
    }

    public string Endpoint { get; }

    public bool IsStream => true;

    public bool IsConnected => _stream is not null;

    public async ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (_tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = _tls.ServerName ?? _host,
                    EnabledSslProtocols = _tls.Protocols,
                    ClientCertificates = _tls.ClientCertificates,
                    RemoteCertificateValidationCallback = _tls.CertificateValidation,
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            stream?.Dispose();
            socket.Dispose();
            throw;
        }

        _socket = socket;
        _stream = stream;
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new InvalidOperationException("Not connected");
        if (socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0)
        {
            throw new IOException($"{Endpoint} closed the connection");
        }

        await _stream!.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
    }

    public void Disconnect()
    {
        _stream?.Dispose();
        _socket?.Dispose();
        _stream = null;
        _socket = null;
    }

    public void Dispose() => Disconnect();
}
