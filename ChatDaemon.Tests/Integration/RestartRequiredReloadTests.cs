using ChatDaemon.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>A reload that changes a key read only at startup is rejected by name and the daemon goes on as it was.</summary>
public sealed class RestartRequiredReloadTests
{
    private const int SIGHUP = 1;

    [Theory]
    [InlineData("""{ "Listen": [ "chat=127.0.0.1:0" ], "Transport": { "Kind": "Sockets" }, "Chat": { "Motd": "new motd" } }""", "Transport:Kind")]
    [InlineData("""{ "Listen": [ "chat=127.0.0.1:0" ], "Transport": { "Kind": "Epoll" }, "Logging": { "Syslog": { "Enabled": "true" } }, "Chat": { "Motd": "new motd" } }""", "Logging:Syslog:Enabled")]
    public async Task An_in_process_reload_changing_a_restart_required_key_is_rejected_and_the_old_settings_serve(string json, string key)
    {
        await using var server = await TestServer.StartAsync(
            """{ "Listen": [ "chat=127.0.0.1:0" ], "Transport": { "Kind": "Epoll" }, "Chat": { "Motd": "old motd" } }""");
        await using var alice = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("alice");
        await File.WriteAllTextAsync(server.ConfigFile, json);

        var outcome = await server.ReloadAsync();

        Assert.False(outcome.Applied);
        Assert.Equal($"changes to {key} need a restart", outcome.Error);
        Assert.Equal([key], outcome.NeedRestart);
        Assert.Equal("Epoll", server.Services.GetRequiredService<IConfiguration>()["Transport:Kind"]);
        Assert.Equal(TransportKind.Epoll, server.Services.GetRequiredService<IOptionsMonitor<TransportOptions>>().CurrentValue.Kind);
        await using var bob = await LineClient.ConnectAsync(server.ChatPort, readGreeting: false);
        Assert.Equal("* old motd", await bob.ReadLineAsync());
        await alice.ReadUntilAsync(l => l.EndsWith(" joined lobby"));
        await alice.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Sighup_with_a_changed_transport_is_logged_rejected_naming_the_key_and_the_daemon_still_serves()
    {
        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{ "Listen": [ "chat=127.0.0.1:0" ], "Chat": { "Motd": "first" } }""");
            using var daemon = DaemonProcess.Start("--config", file);
            var match = await daemon.WaitForOutputAsync(@"Listening for chat on 127\.0\.0\.1:(\d+)");
            await daemon.WaitForOutputAsync("Ready: listening on");
            int port = int.Parse(match.Groups[1].Value);

            await File.WriteAllTextAsync(file, """{ "Listen": [ "chat=127.0.0.1:0" ], "Transport": { "Kind": "Sockets" }, "Chat": { "Motd": "second" } }""");
            daemon.Signal(SIGHUP);
            await daemon.WaitForOutputAsync("reload rejected, the running configuration stays: changes to Transport:Kind need a restart");

            Assert.DoesNotContain("Configuration reloaded", daemon.StandardOutput + daemon.StandardError);
            await using var client = await LineClient.ConnectAsync(port, readGreeting: false);
            Assert.Equal("* first", await client.ReadLineAsync());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
