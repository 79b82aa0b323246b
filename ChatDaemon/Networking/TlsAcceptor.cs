using System.Net.Security;
using System.Security.Authentication;
using ChatDaemon.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Networking;

/// <summary>
/// The TLS side of the <c>chat+tls</c> and <c>irc+tls</c> listeners: the server's certificate (<c>Tls</c>, loaded
/// at start and again on every reload, so new connections get a renewed certificate while connected clients keep
/// their sessions) and the handshake of each accepted connection. TLS 1.2 and 1.3 only (RFC 8996 deprecates 1.0
/// and 1.1); no client certificates, no renegotiation.
/// </summary>
public sealed class TlsAcceptor : IDisposable
{
    /// <summary>A client that has not finished its handshake by then is closed: it holds a connection slot meanwhile.</summary>
    internal static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger<TlsAcceptor> _logger;
    private readonly IDisposable? _subscription;
    private readonly string? _credentialsDirectory;
    private volatile SslStreamCertificateContext? _certificate;

    public TlsAcceptor(IOptionsMonitor<ListenOptions> listen, ILogger<TlsAcceptor> logger)
    {
        _logger = logger;
        _credentialsDirectory = Environment.GetEnvironmentVariable(TlsCertificateFiles.CredentialsDirectoryVariable);
        Load(listen.CurrentValue.Tls);
        _subscription = listen.OnChange(options => Load(options.Tls));
    }

    /// <summary>Whether a certificate is loaded: a TLS listener cannot be served without one.</summary>
    public bool HasCertificate => _certificate is not null;

    /// <summary>
    /// The TLS handshake on <paramref name="connection"/>: the connection with plaintext pipes, or null when the
    /// handshake failed, timed out or <paramref name="stop"/> fired (logged; the caller closes the connection).
    /// </summary>
    public async Task<ConnectionContext?> AuthenticateAsync(ConnectionContext connection, CancellationToken stop)
    {
        if (_certificate is not { } certificate)
        {
            NetworkingLog.TlsHandshakeFailed(_logger, connection.RemoteEndPoint, "no certificate is configured");
            return null;
        }

        var tls = new SslStream(new ConnectionStream(connection), leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificate,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateRequired = false,
                AllowRenegotiation = false,
            }, timeout.Token).ConfigureAwait(false);
            return new TlsConnectionContext(connection, tls);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ConnectionResetException or ConnectionAbortedException)
        {
            string why = ex is OperationCanceledException
                ? stop.IsCancellationRequested ? "the server is stopping" : $"no handshake within {HandshakeTimeout.TotalSeconds:0} s"
                : ex.Message;
            NetworkingLog.TlsHandshakeFailed(_logger, connection.RemoteEndPoint, why);
            await tls.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    private void Load(TlsOptions options)
    {
        if (!options.IsConfigured)
        {
            _certificate = null;
            return;
        }

        if (!TlsCertificateFiles.TryLoad(options, _credentialsDirectory, out var certificate, out string error))
        {
            // Validation refused this configuration before it could apply (start, reload): only a file that
            // changed in between gets here. The certificate loaded before stays.
            NetworkingLog.TlsCertificateNotLoaded(_logger, error);
            return;
        }

        _certificate = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        NetworkingLog.TlsCertificateLoaded(_logger, certificate.Subject, certificate.NotAfter.ToUniversalTime());
    }

    public void Dispose() => _subscription?.Dispose();
}
