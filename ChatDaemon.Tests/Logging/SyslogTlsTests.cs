using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ChatDaemon.Logging.Syslog;
using Serilog.Events;
using Xunit;

namespace ChatDaemon.Tests.Logging;

public class SyslogTlsTests
{
    private static X509Certificate2 CreateServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=syslog.test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("syslog.test");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    [Fact]
    public async Task Over_tls_the_sink_sends_octet_counted_messages_to_a_server_it_trusts()
    {
        using var serverCertificate = CreateServerCertificate();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var thumbprint = serverCertificate.GetCertHashString();
        var tls = new SyslogTlsSettings("syslog.test", default, null,
            (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint);
        var events = new RecordingSinkEvents();
        using var sink = new SyslogSink(new Rfc5424Formatter(Facility.Daemon, "chatdaemon", "h", 7),
            new TcpSyslogTransport("127.0.0.1", port, tls), FramingType.OctetCounting, new SyslogQueueSettings(), events);

        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "secret"));

        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await using var ssl = new SslStream(client.GetStream());
        await ssl.AuthenticateAsServerAsync(serverCertificate).WaitAsync(TimeSpan.FromSeconds(10));
        var expectedBody = "<30>1 2026-11-02T01:50:32.123456Z h chatdaemon 7 - - secret";
        var expected = $"{expectedBody.Length} {expectedBody}";
        var received = new byte[expected.Length];
        await ssl.ReadExactlyAsync(received).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(expected, Encoding.UTF8.GetString(received));
    }

    [Fact]
    public async Task Over_tls_an_untrusted_server_gets_nothing()
    {
        using var serverCertificate = CreateServerCertificate();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var tls = new SyslogTlsSettings("syslog.test", default, null, null); // system trust store
        var events = new RecordingSinkEvents();
        using var sink = new SyslogSink(new Rfc5424Formatter(Facility.Daemon, "chatdaemon", "h", 7),
            new TcpSyslogTransport("127.0.0.1", port, tls), FramingType.OctetCounting, new SyslogQueueSettings(), events);

        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "secret"));

        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await using var ssl = new SslStream(client.GetStream());
        var handshake = ssl.AuthenticateAsServerAsync(serverCertificate);
        await SyslogSinkTests.WaitUntil(() => !events.Lost.IsEmpty);
        var received = new byte[1];
        var read = await Record.ExceptionAsync(async () =>
        {
            await handshake.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await ssl.ReadAsync(received).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        });
        Assert.True(read is null or IOException or System.Security.Authentication.AuthenticationException, $"unexpected {read}");
    }
}
