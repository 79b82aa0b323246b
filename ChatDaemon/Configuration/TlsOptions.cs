namespace ChatDaemon.Configuration;

/// <summary>
/// The certificate of the TLS listeners (<c>chat+tls</c>, <c>irc+tls</c>), section <c>Tls</c>: PEM files. A name
/// without '/' is looked up in <c>$CREDENTIALS_DIRECTORY</c> when systemd set it (systemd.exec(5),
/// <c>LoadCredential=</c>), so the key never needs to be readable by the service's user anywhere else. A reload
/// loads them again: new connections get the new certificate, connected clients keep their sessions.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>The certificate chain, PEM (leaf first). Required when a TLS listener is configured.</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>The private key of the certificate, PEM (PKCS#8, PKCS#1 or SEC1). Required with <see cref="CertificateFile"/>.</summary>
    public string KeyFile { get; set; } = "";

    public bool IsConfigured => CertificateFile.Length > 0 || KeyFile.Length > 0;
}
