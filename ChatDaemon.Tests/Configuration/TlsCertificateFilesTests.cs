using ChatDaemon.Configuration;
using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Configuration;

public sealed class TlsCertificateFilesTests
{
    [Fact]
    public void A_bare_name_is_a_systemd_credential_when_systemd_passed_some()
    {
        Assert.Equal("/run/credentials/chatdaemon.service/tls.crt", TlsCertificateFiles.Resolve("tls.crt", "/run/credentials/chatdaemon.service"));
        Assert.Equal("tls.crt", TlsCertificateFiles.Resolve("tls.crt", null));
        Assert.Equal("/etc/ssl/chat.pem", TlsCertificateFiles.Resolve("/etc/ssl/chat.pem", "/run/credentials/chatdaemon.service"));
    }

    [Fact]
    public void Files_found_in_the_credentials_directory_load()
    {
        var directory = Directory.CreateTempSubdirectory("chatdaemon-credentials-");
        try
        {
            var files = TestCertificates.Write(directory.FullName, "chat.test");
            Assert.True(TlsCertificateFiles.TryLoad(new TlsOptions { CertificateFile = "tls.crt", KeyFile = "tls.key" }, directory.FullName, out var certificate, out string error), error);
            using (certificate)
            {
                Assert.Equal(files.Thumbprint, certificate.Thumbprint);
                Assert.True(certificate.HasPrivateKey);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_key_file_says_which_files_it_tried()
    {
        Assert.False(TlsCertificateFiles.TryLoad(new TlsOptions { CertificateFile = "/nonexistent/a.crt", KeyFile = "/nonexistent/a.key" }, null, out _, out string error));
        Assert.StartsWith("Tls: cannot load the certificate /nonexistent/a.crt with the key /nonexistent/a.key: ", error);
    }

    [Fact]
    public void A_certificate_without_its_key_is_an_error()
    {
        Assert.False(TlsCertificateFiles.TryLoad(new TlsOptions { CertificateFile = "/etc/ssl/chat.pem" }, null, out _, out string error));
        Assert.Equal("Tls: TLS listeners need both Tls:CertificateFile and Tls:KeyFile (PEM files)", error);
    }
}
