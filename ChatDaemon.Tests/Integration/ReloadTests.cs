using System.Net;
using System.Net.Sockets;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using Microsoft.Extensions.DependencyInjection;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>Runs on ChatDaemon's epoll transport here and on Kestrel's socket transport in <see cref="ReloadTestsOnSocketsTransport"/>.</summary>
public class ReloadTests : IAsyncLifetime
{
    protected virtual string[] TransportKeys => [];

    private Task<TestServer> StartServerAsync(string? json, params string[] keys) => TestServer.StartAsync(json, [.. TransportKeys, .. keys]);

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await StartServerAsync(
        """{ "Listen": [ "chat=127.0.0.1:0" ], "Chat": { "Motd": "old motd" } }""");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_valid_reload_applies_to_new_clients_and_keeps_existing_ones_connected()
    {
        await using var alice = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("alice");
        await File.WriteAllTextAsync(_server.ConfigFile, """{ "Listen": [ "chat=127.0.0.1:0" ], "Chat": { "Motd": "new motd" } }""");

        var outcome = await _server.ReloadAsync();

        Assert.True(outcome.Applied, outcome.Error);
        await using var bob = await LineClient.ConnectAsync(_server.ChatPort, readGreeting: false);
        Assert.Equal("* new motd", await bob.ReadLineAsync());
        await alice.SendAsync("/who");
        Assert.StartsWith("* in lobby: alice", await alice.ReadUntilAsync(l => l.StartsWith("* in ")));
    }

    [Theory]
    [InlineData("{ \"Chat\": { \"Motd\": \"broken\" ", "not valid JSON")]
    [InlineData("""{ "Listen": [ "chat=127.0.0.1:0" ], "Limits": { "MaxLineBytes": -5 } }""", "Limits:MaxLineBytes")]
    [InlineData("""{ "Listen": [ "chat=127.0.0.1:0" ], "Limits": { "MaxConnections": "many" } }""", "Limits:MaxConnections")]
    [InlineData("""{ "Listen": [ "gopher=127.0.0.1:70" ] }""", "unknown protocol 'gopher'")]
    [InlineData("""{ "Listen": [ "chat=127.0.0.1:0" ], "Chat": { "DefaultRoom": "no spaces" } }""", "Chat:DefaultRoom")]
    public async Task An_invalid_reload_is_rejected_with_the_reason_and_the_running_configuration_stays(string json, string reason)
    {
        await using var alice = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("alice");
        await File.WriteAllTextAsync(_server.ConfigFile, json);

        var outcome = await _server.ReloadAsync();

        Assert.False(outcome.Applied);
        Assert.Contains(reason, outcome.Error);
        await using var bob = await LineClient.ConnectAsync(_server.ChatPort, readGreeting: false);
        Assert.Equal("* old motd", await bob.ReadLineAsync());
        await alice.ReadUntilAsync(l => l.EndsWith(" joined lobby"));
        await alice.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task A_reload_adds_and_removes_listeners_without_dropping_connections()
    {
        int oldPort = _server.ChatPort;
        await using var alice = await (await LineClient.ConnectAsync(oldPort)).WithNickAsync("alice");
        await File.WriteAllTextAsync(_server.ConfigFile, """{ "Listen": [ "echo=127.0.0.1:0" ] }""");

        var outcome = await _server.ReloadAsync();

        Assert.True(outcome.Applied, outcome.Error);
        var bound = _server.Services.GetRequiredService<ListenerSet>().Bound;
        Assert.Equal(ListenerProtocol.Echo, Assert.Single(bound).Protocol);
        await Assert.ThrowsAsync<SocketException>(() => new TcpClient().ConnectAsync(IPAddress.Loopback, oldPort));
        await alice.AssertNothingPendingAsync();

        using var echo = new TcpClient();
        await echo.ConnectAsync(IPAddress.Loopback, _server.EchoPort);
        await echo.GetStream().WriteAsync("ping\n"u8.ToArray());
        var buffer = new byte[5];
        await echo.GetStream().ReadExactlyAsync(buffer);
        Assert.Equal("ping\n"u8.ToArray(), buffer);
    }

    [Fact]
    public async Task A_reload_whose_new_listener_cannot_bind_is_rejected_as_a_whole()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await File.WriteAllTextAsync(_server.ConfigFile,
            $$"""{ "Listen": [ "echo=127.0.0.1:0", "chat=127.0.0.1:{{port}}" ], "Chat": { "Motd": "should not apply" } }""");

        var outcome = await _server.ReloadAsync();

        Assert.False(outcome.Applied);
        Assert.Contains("address already in use", outcome.Error);
        Assert.Equal(ListenerProtocol.Chat, Assert.Single(_server.Services.GetRequiredService<ListenerSet>().Bound).Protocol);
        await using var bob = await LineClient.ConnectAsync(_server.ChatPort, readGreeting: false);
        Assert.Equal("* old motd", await bob.ReadLineAsync());
    }
}

public sealed class ReloadTestsOnSocketsTransport : ReloadTests
{
    protected override string[] TransportKeys => ["--Transport:Kind=Sockets"];
}
