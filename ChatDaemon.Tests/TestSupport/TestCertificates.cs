using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChatDaemon.Tests.TestSupport;

/// <summary>Self-signed certificates written as PEM files, as an administrator would give them to the daemon.</summary>
public static class TestCertificates
{
    /// <summary>Writes a fresh certificate for <paramref name="commonName"/> and its key into <paramref name="directory"/>; returns the two paths and the certificate's thumbprint.</summary>
    public static (string CertificateFile, string KeyFile, string Thumbprint) Write(string directory, string commonName, string name = "tls")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string certificateFile = Path.Combine(directory, name + ".crt");
        string keyFile = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile, certificate.Thumbprint);
    }
}
