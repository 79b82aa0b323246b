using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace ChatDaemon.Tests.TestSupport;

/// <summary>A TLS client that accepts the test's self-signed certificate and reports what it saw.</summary>
public sealed class TlsLineClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;
    private readonly StreamReader _reader;

    private TlsLineClient(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
        _reader = new StreamReader(tls, Encoding.UTF8);
    }

    public string Thumbprint => _tls.RemoteCertificate is { } c ? new System.Security.Cryptography.X509Certificates.X509Certificate2(c).Thumbprint : "";

    public SslProtocols Protocol => _tls.SslProtocol;

    public static async Task<TlsLineClient> ConnectAsync(int port, SslProtocols protocols = SslProtocols.None)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        // The test's self-signed certificates: pinned by subject rather than a chain to a root.
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate?.Subject == "CN=chat.test");
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "chat.test", EnabledSslProtocols = protocols })
            .WaitAsync(TimeSpan.FromSeconds(20));
        return new TlsLineClient(tcp, tls);
    }

    public async Task SendAsync(string line)
    {
        await _tls.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
        await _tls.FlushAsync();
    }

    public async Task<string> ReadLineAsync() =>
        await _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)) ?? throw new EndOfStreamException();

    public async Task<string> ReadUntilAsync(Func<string, bool> match)
    {
        while (true)
        {
            string line = await ReadLineAsync();
            if (match(line))
            {
                return line;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _tls.DisposeAsync();
        _tcp.Dispose();
    }
}
