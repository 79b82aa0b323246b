using System.Net;
using System.Net.Sockets;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using Microsoft.Extensions.DependencyInjection;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// A connection accepted by another process (here: by the test) handed to the running server with the
/// member state that process saved, on the default transport; <see cref="ConnectionAdoptionOnKestrelSocketsTests"/>
/// runs the same on Kestrel's.
/// </summary>
public class ConnectionAdoptionTests : IAsyncLifetime
{
    private TestServer _server = null!;

    protected virtual string[] TransportKeys => [];

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(null, TransportKeys);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A client connected to a socket the test accepted, which the server then adopts.</summary>
    private async Task<LineClient> ConnectAdoptedAsync(ReadOnlyMemory<byte> savedState)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = LineClient.ConnectAsync(((IPEndPoint)listener.LocalEndpoint).Port, readGreeting: false);
        Socket accepted = await listener.AcceptSocketAsync();
        var client = await connecting;
        _ = _server.Services.GetRequiredService<ConnectionServer>().AdoptAsync(accepted, ListenerProtocol.Chat, savedState);
        return client;
    }

    [Fact]
    public async Task An_adopted_connection_carries_on_with_its_nick_room_unsent_output_and_half_sent_line()
    {
        await using var bob = await (await LineClient.ConnectAsync(_server.ChatPort)).WithNickAsync("bob");
        await bob.SendAsync("/join dev");
        Assert.Equal("* you are now in dev (1 here)", await bob.ReadLineAsync());

        var state = new MemberState
        {
            Protocol = "line",
            Nick = "alice",
            Rooms = ["dev"],
            UnsentOutput = "* was queued for alice\r\n"u8.ToArray(),
            PendingInput = "half a li"u8.ToArray(),
        };
        await using var alice = await ConnectAdoptedAsync(MemberStateCodec.Encode(state));

        // No greeting: the output the old process had not sent comes first, then the one restart notice.
        Assert.Equal("* was queued for alice", await alice.ReadLineAsync());
        Assert.Equal("* server restarted", await alice.ReadLineAsync());
        await alice.SendAsync("ne");
        Assert.Equal("<alice> half a line", await bob.ReadLineAsync());
        await bob.SendAsync("/who");
        Assert.Equal("* in dev: alice, bob", await bob.ReadLineAsync());
        await bob.SendAsync("hi alice");
        Assert.Equal("<bob> hi alice", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task An_adopted_connection_whose_state_cannot_be_read_is_served_as_a_new_guest()
    {
        await using var client = await ConnectAdoptedAsync("not a member state"u8.ToArray());
        string greeting = await client.ReadUntilAsync(line => line.StartsWith("* you are ", StringComparison.Ordinal));
        Assert.Matches(@"^\* you are guest-\d+ in room lobby$", greeting);
        await client.SendAsync("/nick carol");
        Assert.Equal("* you are now known as carol", await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_stopping_server_adopts_nothing()
    {
        await _server.StopAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var server = _server.Services.GetRequiredService<ConnectionServer>();
        Assert.Throws<InvalidOperationException>(() => { _ = server.AdoptAsync(socket, ListenerProtocol.Chat, ReadOnlyMemory<byte>.Empty); });
    }
}

public sealed class ConnectionAdoptionOnKestrelSocketsTests : ConnectionAdoptionTests
{
    protected override string[] TransportKeys => ["--Transport:Kind=Sockets"];
}
