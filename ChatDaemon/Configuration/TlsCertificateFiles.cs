using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChatDaemon.Configuration;

/// <summary>
/// Loads <see cref="TlsOptions"/>' PEM files into a certificate with its key, or says in one line why not: the
/// same check runs at start, on check-config, when a reload is rehearsed, and when a reload applies.
/// </summary>
public static class TlsCertificateFiles
{
    /// <summary>systemd.exec(5): where LoadCredential=/SetCredential= put the service's credentials.</summary>
    public const string CredentialsDirectoryVariable = "CREDENTIALS_DIRECTORY";

    /// <summary>A configured name as a path: a bare name is a credential when systemd passed some.</summary>
    public static string Resolve(string configured, string? credentialsDirectory) =>
        !configured.Contains('/') && !string.IsNullOrEmpty(credentialsDirectory) ? Path.Combine(credentialsDirectory, configured) : configured;

    public static bool TryLoad(TlsOptions options, string? credentialsDirectory, [NotNullWhen(true)] out X509Certificate2? certificate, out string error)
    {
        certificate = null;
        if (options.CertificateFile.Length == 0 || options.KeyFile.Length == 0)
        {
            error = "Tls: TLS listeners need both Tls:CertificateFile and Tls:KeyFile (PEM files)";
            return false;
        }

        string certificatePath = Resolve(options.CertificateFile, credentialsDirectory);
        string keyPath = Resolve(options.KeyFile, credentialsDirectory);
        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

            // Re-imported as PKCS#12: on Linux a certificate whose key came from PEM is ephemeral, and
            // SslStream's OpenSSL backend wants the key in the certificate it holds for the server's lifetime.
            certificate = X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            error = $"Tls: cannot load the certificate {certificatePath} with the key {keyPath}: {ex.Message}";
            return false;
        }
    }
}
