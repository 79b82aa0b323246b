using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Sockets;

namespace ChatDaemon.Tests.Integration;

/// <summary>Echo on the default transport (epoll); <see cref="EchoOnKestrelSocketsTests"/> runs the same on Kestrel's.</summary>
public class EchoTests : IAsyncLifetime
{
    private TestServer _server = null!;

    protected virtual string[] TransportKeys => [];

    protected virtual Type ExpectedTransport => typeof(ChatDaemon.Networking.Epoll.EpollTransportFactory);

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(null, TransportKeys);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void The_configured_transport_serves_the_listeners() =>
        Assert.IsType(ExpectedTransport, _server.Services.GetRequiredService<Microsoft.AspNetCore.Connections.IConnectionListenerFactory>());

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(5 * 1024 * 1024)]
    public async Task Echo_returns_every_byte_unchanged(int size)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _server.EchoPort);
        var stream = client.GetStream();

        var sending = Task.Run(async () =>
        {
            await stream.WriteAsync(payload);
            client.Client.Shutdown(SocketShutdown.Send);
        });
        var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(30));
        await sending;

        Assert.Equal(payload.Length, received.Length);
        Assert.True(payload.AsSpan().SequenceEqual(received.ToArray()), "echoed bytes differ");
    }

    [Fact]
    public async Task A_client_that_sends_without_reading_is_held_back_and_loses_nothing()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _server.EchoPort);
        socket.Blocking = false;
        var chunk = new byte[64 * 1024];
        new Random(7).NextBytes(chunk);
        long sent = 0;
        int idleRounds = 0;

        // Send until the server stops taking data for a while: TCP backpressure reached us.
        while (idleRounds < 20 && sent < 256L * 1024 * 1024)
        {
            try
            {
                sent += socket.Send(chunk);
                idleRounds = 0;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                idleRounds++;
                await Task.Delay(50);
            }
        }

        // Kernel buffers on both sides plus the transport's bounded pipes; not the 256 MiB offered.
        Assert.True(sent < 64L * 1024 * 1024, $"the server took {sent} bytes from a client that reads nothing");

        socket.Blocking = true;
        socket.Shutdown(SocketShutdown.Send);
        long received = 0;
        var buffer = new byte[256 * 1024];
        int n;
        while ((n = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(30))) > 0)
        {
            received += n;
        }

        Assert.Equal(sent, received);
    }
}

public sealed class EchoOnKestrelSocketsTests : EchoTests
{
    protected override string[] TransportKeys => ["--Transport:Kind=Sockets"];

    protected override Type ExpectedTransport => typeof(Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportFactory);
}
