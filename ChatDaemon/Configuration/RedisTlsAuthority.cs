using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChatDaemon.Configuration;

/// <summary>
/// The certificate authority trusted for Redis's certificate (<c>Backplane:Redis:TlsCaFile</c>), and the check
/// that a server certificate chains to it and names the host (RFC 6125), since a private CA is not in the
/// system's store.
/// </summary>
public static class RedisTlsAuthority
{
    /// <summary>The CA certificates in the PEM file (a bare name is a systemd credential); false with the reason otherwise.</summary>
    public static bool TryLoad(string file, out X509Certificate2Collection authorities, out string error)
    {
        authorities = [];
        error = "";
        string path = RedisPasswordFile.Resolve(file);
        try
        {
            authorities.ImportFromPemFile(path);
            if (authorities.Count == 0)
            {
                error = $"{path} holds no PEM certificate";
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"cannot read {path}: {ex.Message}";
            return false;
        }
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/> alone (and nothing else is wrong with it but that it is not in the system's store).</summary>
    public static bool Trusts(X509Certificate2Collection authorities, X509Certificate certificate, System.Net.Security.SslPolicyErrors errors)
    {
        // A name mismatch or a missing certificate is never made good by a CA.
        if ((errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
