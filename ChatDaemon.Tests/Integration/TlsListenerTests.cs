using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using ChatDaemon.Configuration;
using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>The chat+tls and irc+tls listeners: TLS 1.2 and newer, the certificate from PEM files, replaced by a reload.</summary>
public sealed class TlsListenerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatdaemon-tls-").FullName;
    private (string CertificateFile, string KeyFile, string Thumbprint) _first;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _first = TestCertificates.Write(_directory, "chat.test");
        _server = await TestServer.StartAsync(Config(_first.CertificateFile, _first.KeyFile));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Config(string certificateFile, string keyFile) =>
        $$"""{ "Listen": [ "chat=127.0.0.1:0", "chat+tls=127.0.0.1:0", "irc+tls=127.0.0.1:0" ], "Tls": { "CertificateFile": "{{certificateFile}}", "KeyFile": "{{keyFile}}" } }""";

    [Fact]
    public async Task A_tls_client_chats_with_a_plain_client_in_the_same_room()
    {
        await using var plain = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("plain");
        await using var secure = await TlsLineClient.ConnectAsync(_server.Port(ListenerProtocol.Chat, tls: true));
        await secure.ReadUntilAsync(l => l.StartsWith("* you are ", StringComparison.Ordinal));
        Assert.Equal(_first.Thumbprint, secure.Thumbprint);

        await secure.SendAsync("/nick secure");
        Assert.Equal("* you are now known as secure", await secure.ReadUntilAsync(l => l.StartsWith("* you are now", StringComparison.Ordinal)));
        await secure.SendAsync("over tls");
        await plain.ReadUntilAsync(l => l == "<secure> over tls");
        await plain.SendAsync("in the clear");
        Assert.Equal("<plain> in the clear", await secure.ReadUntilAsync(l => l.StartsWith('<')));
    }

    [Fact]
    public async Task An_irc_client_registers_over_tls()
    {
        await using var secure = await TlsLineClient.ConnectAsync(_server.Port(ListenerProtocol.Irc, tls: true));
        await secure.SendAsync("NICK tlsirc");
        await secure.SendAsync("USER t 0 * :over TLS");
        Assert.StartsWith(":chatdaemon.local 001 tlsirc ", await secure.ReadLineAsync());
    }

    [Fact]
    public async Task Tls_1_2_and_1_3_are_served()
    {
        await using var twelve = await TlsLineClient.ConnectAsync(_server.Port(ListenerProtocol.Chat, tls: true), SslProtocols.Tls12);
        Assert.Equal(SslProtocols.Tls12, twelve.Protocol);
        await using var thirteen = await TlsLineClient.ConnectAsync(_server.Port(ListenerProtocol.Chat, tls: true), SslProtocols.Tls13);
        Assert.Equal(SslProtocols.Tls13, thirteen.Protocol);
    }

    [Fact]
    public async Task A_client_that_speaks_plaintext_to_a_tls_listener_is_closed_and_the_server_serves_on()
    {
        using var confused = new TcpClient();
        await confused.ConnectAsync(IPAddress.Loopback, _server.Port(ListenerProtocol.Chat, tls: true));
        var stream = confused.GetStream();
        await stream.WriteAsync("/nick plain\r\nhello\r\n"u8.ToArray());
        var buffer = new byte[256];
        int n;
        try
        {
            n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (IOException)
        {
            n = 0; // reset: closed too
        }

        // Whatever came back (a TLS alert at most) is not a chat line: the plaintext was never read as chat.
        Assert.DoesNotContain("* ", Encoding.ASCII.GetString(buffer, 0, n), StringComparison.Ordinal);
        await using var secure = await TlsLineClient.ConnectAsync(_server.Port(ListenerProtocol.Chat, tls: true));
        await secure.ReadUntilAsync(l => l.StartsWith("* you are ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_replaces_the_certificate_and_connected_clients_stay()
    {
        await using var before = await TlsLineClient.ConnectAsync(_server.Port(ListenerProtocol.Chat, tls: true));
        await before.ReadUntilAsync(l => l.StartsWith("* you are ", StringComparison.Ordinal));
        await before.SendAsync("/nick before");
        await before.ReadUntilAsync(l => l == "* you are now known as before");

        var second = TestCertificates.Write(_directory, "chat.test", "renewed");
        await File.WriteAllTextAsync(_server.ConfigFile, Config(second.CertificateFile, second.KeyFile));
        var outcome = await _server.ReloadAsync();
        Assert.True(outcome.Applied, outcome.Error);

        await using var after = await TlsLineClient.ConnectAsync(_server.Port(ListenerProtocol.Chat, tls: true));
        Assert.Equal(second.Thumbprint, after.Thumbprint);
        await after.ReadUntilAsync(l => l.StartsWith("* you are ", StringComparison.Ordinal));
        await after.SendAsync("/nick after");
        await after.ReadUntilAsync(l => l == "* you are now known as after");
        await after.SendAsync("new certificate here");
        Assert.Equal("<after> new certificate here", await before.ReadUntilAsync(l => l.StartsWith('<')));
        Assert.Equal(_first.Thumbprint, before.Thumbprint);
    }

    [Fact]
    public async Task A_reload_with_a_key_that_does_not_match_is_refused_and_the_old_certificate_stays()
    {
        var other = TestCertificates.Write(_directory, "other.test", "other");
        await File.WriteAllTextAsync(_server.ConfigFile, Config(_first.CertificateFile, other.KeyFile));

        var outcome = await _server.ReloadAsync();

        Assert.False(outcome.Applied);
        Assert.Contains("Tls: cannot load the certificate", outcome.Error);
        await using var client = await TlsLineClient.ConnectAsync(_server.Port(ListenerProtocol.Chat, tls: true));
        Assert.Equal(_first.Thumbprint, client.Thumbprint);
    }

    [Fact]
    public async Task A_tls_listener_without_a_certificate_fails_check_config_with_the_reason()
    {
        string config = Path.Combine(_directory, "plain.json");
        await File.WriteAllTextAsync(config, "{}");
        var result = await DaemonProcess.RunAsync(TimeSpan.FromSeconds(60), "check-config", "--listen", "chat+tls=127.0.0.1:0", "--config", config);
        Assert.Equal(78, result.ExitCode);
        Assert.Contains("TLS listeners need both Tls:CertificateFile and Tls:KeyFile", result.Stderr);
    }

    [Fact]
    public async Task A_real_openssl_client_gets_the_chat_over_tls_1_3()
    {
        var openssl = new ProcessStartInfo("openssl", ["s_client", "-connect", $"127.0.0.1:{_server.Port(ListenerProtocol.Chat, tls: true)}", "-tls1_3", "-quiet", "-verify_quiet"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(openssl)!;
        try
        {
            await process.StandardInput.WriteLineAsync("/nick openssl");
            await process.StandardInput.FlushAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            var seen = new List<string>();
            while (DateTime.UtcNow < deadline)
            {
                string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(deadline - DateTime.UtcNow);
                if (line is null)
                {
                    break;
                }

                seen.Add(line);
                if (line.TrimEnd('\r') == "* you are now known as openssl")
                {
                    return;
                }
            }

            Assert.Fail("openssl s_client never saw the nick change; it saw:\n" + string.Join('\n', seen));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }
}
