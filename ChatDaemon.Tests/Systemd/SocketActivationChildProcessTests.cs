using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatDaemon.Tests.TestSupport;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

/// <summary>
/// Sockets handed in through LISTEN_FDS to a real child process: systemd-socket-activate(1) binds a
/// listening socket, passes it as descriptor 3 and execs <see cref="ActivatedEchoHost"/>, which adopts it
/// with the Systemd module and Kestrel's socket transport and serves it.
/// </summary>
public sealed class SocketActivationChildProcessTests
{
    private const string Activator = "/usr/bin/systemd-socket-activate";

    private static ChildProcess StartActivated(int port, string notifySocket, params string[] activatorOptions)
    {
        string testAssembly = typeof(ActivatedEchoHost).Assembly.Location;
        return new ChildProcess(Activator,
        [
            "--listen", $"127.0.0.1:{port}", .. activatorOptions,
            "--setenv", $"NOTIFY_SOCKET={notifySocket}",
            "--setenv", "DOTNET_NOLOGO=1",
            "dotnet", "exec", testAssembly, ActivatedEchoHost.Mode,
        ]);
    }

    [Fact]
    public async Task A_passed_listening_socket_is_adopted_served_and_stopped_gracefully_by_sigterm()
    {
        Assert.True(File.Exists(Activator), $"{Activator} (Debian package systemd) is required");
        using var receiver = NotifySocketReceiver.InDirectory();
        int port = FreeTcpPort();
        using var child = StartActivated(port, receiver.NotifySocket, "--fdname", "echo");

        // systemd-socket-activate execs the service on the first connection, which waits in the backlog.
        using var client = await ConnectWithRetryAsync(port);
        using var stream = client.GetStream();
        await stream.WriteAsync("hello through fd 3\n"u8.ToArray());
        Assert.Equal("hello through fd 3\n", await ReadAtLeastAsync(stream, "hello through fd 3\n".Length));

        string adopted = await child.WaitForOutputLineAsync(line => line.StartsWith("adopted "), TimeSpan.FromSeconds(30));
        Assert.Equal("adopted fd=3 name=echo family=InterNetwork cloexec=True LISTEN_FDS=unset", adopted);

        // READY=1 (host started) and the status of the first connection, in either order.
        var datagrams = new List<string>();
        while (!(datagrams.Contains("READY=1") && datagrams.Contains("STATUS=1 connection(s) served")))
        {
            datagrams.Add(await receiver.ReceiveAsync(TimeSpan.FromSeconds(30)));
        }

        child.Signal("TERM");
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var afterStop = receiver.Drain();
        Assert.Contains("STOPPING=1", afterStop);
        Assert.DoesNotContain("READY=1", afterStop);
    }

    [Fact]
    public async Task A_passed_datagram_socket_is_refused_with_a_clear_error()
    {
        Assert.True(File.Exists(Activator), $"{Activator} (Debian package systemd) is required");
        using var receiver = NotifySocketReceiver.InDirectory();
        int port = FreeUdpPort();
        using var child = StartActivated(port, receiver.NotifySocket, "--datagram", "--fdname", "echo");

        // The activator execs the service when the first datagram arrives.
        using var udp = new UdpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!child.StandardError.Contains("Execing") && DateTime.UtcNow < deadline)
        {
            await udp.SendAsync(new byte[] { 1 }, new IPEndPoint(IPAddress.Loopback, port));
            await Task.Delay(100);
        }

        int exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Socket activation: descriptor 3 (\"echo\") is a datagram socket (ListenDatagram=); only stream sockets (ListenStream=) are supported.", child.StandardError);
        Assert.DoesNotContain("READY=1", receiver.Drain());
    }

    private static async Task<TcpClient> ConnectWithRetryAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return client;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                client.Dispose();
                await Task.Delay(50); // the activator has not bound yet
            }
        }
    }

    private static async Task<string> ReadAtLeastAsync(NetworkStream stream, int length)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        byte[] buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer, cts.Token);
        return Encoding.UTF8.GetString(buffer);
    }

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
