using System.Net;
using System.Net.Sockets;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using ChatDaemon.Interop;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

/// <summary>Inspects real descriptors of this process, as systemd would pass them.</summary>
public sealed class ListenSocketInspectorTests
{
    [Fact]
    public void A_listening_tcp_socket_is_adopted_and_marked_close_on_exec()
    {
        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        listener.Listen();
        int fd = (int)listener.SafeHandle.DangerousGetHandle();
        ClearCloseOnExec(fd);

        SystemdListenSocket socket = ListenSocketInspector.Adopt(fd, "chat");

        Assert.Equal(new SystemdListenSocket(fd, "chat", AddressFamily.InterNetworkV6), socket);
        Assert.Equal(LibC.FD_CLOEXEC, LibC.fcntl(fd, LibC.F_GETFD, 0) & LibC.FD_CLOEXEC);
    }

    [Fact]
    public void A_listening_unix_socket_is_adopted()
    {
        string directory = Directory.CreateTempSubdirectory("chatdaemon-inspect-").FullName;
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory, "chat.sock")));
            listener.Listen();

            var socket = ListenSocketInspector.Adopt((int)listener.SafeHandle.DangerousGetHandle(), "chat");

            Assert.Equal(AddressFamily.Unix, socket.AddressFamily);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_datagram_socket_is_refused_with_the_reason()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var error = Assert.Throws<SystemdSocketActivationException>(
            () => ListenSocketInspector.Adopt((int)udp.SafeHandle.DangerousGetHandle(), "echo"));

        Assert.Contains("\"echo\"", error.Message);
        Assert.Contains("datagram socket", error.Message);
    }

    [Fact]
    public void A_stream_socket_that_is_not_listening_is_refused()
    {
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var error = Assert.Throws<SystemdSocketActivationException>(
            () => ListenSocketInspector.Adopt((int)tcp.SafeHandle.DangerousGetHandle(), "chat"));

        Assert.Contains("Accept=no", error.Message);
    }

    [Fact]
    public void A_file_is_refused_as_not_a_socket()
    {
        string path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path);
            var error = Assert.Throws<SystemdSocketActivationException>(
                () => ListenSocketInspector.Adopt((int)file.DangerousGetHandle(), "chat"));

            Assert.EndsWith("is not a socket.", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Variables_for_another_process_give_no_sockets_and_are_unset()
    {
        var environment = new FakeProcessEnvironment(700)
            .With("LISTEN_PID", "701").With("LISTEN_FDS", "1").With("LISTEN_FDNAMES", "chat");

        var activation = new SystemdSocketActivation(environment, NullLogger<SystemdSocketActivation>.Instance);

        Assert.Empty(activation.Sockets);
        Assert.Equal(["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"], environment.Unset);
    }

    private static void ClearCloseOnExec(int fd)
    {
        int flags = LibC.fcntl(fd, LibC.F_GETFD, 0);
        Assert.True(flags >= 0);
        Assert.Equal(0, LibC.fcntl(fd, LibC.F_SETFD, flags & ~LibC.FD_CLOEXEC));
    }
}
