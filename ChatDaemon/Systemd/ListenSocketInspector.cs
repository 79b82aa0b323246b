using System.Net.Sockets;
using ChatDaemon.Interop;

namespace ChatDaemon.Systemd;

/// <summary>Checks an inherited descriptor is a listening stream socket, and marks it close-on-exec.</summary>
internal static unsafe class ListenSocketInspector
{
    /// <exception cref="SystemdSocketActivationException">The descriptor is closed, not a socket, not a stream socket, or not listening.</exception>
    public static SystemdListenSocket Adopt(int fileDescriptor, string name)
    {
        string what = $"Socket activation: descriptor {fileDescriptor} (\"{name}\")";

        if (!SetCloseOnExec(fileDescriptor))
        {
            throw new SystemdSocketActivationException($"{what} is not open (errno {LibC.errno}).");
        }

        int type = GetSocketOption(fileDescriptor, LibC.SO_TYPE, what);
        if (type != LibC.SOCK_STREAM)
        {
            string typeName = type switch
            {
                LibC.SOCK_DGRAM => "a datagram socket (ListenDatagram=)",
                LibC.SOCK_SEQPACKET => "a seqpacket socket (ListenSequentialPacket=)",
                _ => $"a socket of type {type}",
            };
            throw new SystemdSocketActivationException($"{what} is {typeName}; only stream sockets (ListenStream=) are supported.");
        }

        if (GetSocketOption(fileDescriptor, LibC.SO_ACCEPTCONN, what) == 0)
        {
            throw new SystemdSocketActivationException(
                $"{what} is a stream socket that is not listening; socket units must use Accept=no (systemd.socket(5)).");
        }

        AddressFamily family = GetSocketOption(fileDescriptor, LibC.SO_DOMAIN, what) switch
        {
            LibC.AF_INET => AddressFamily.InterNetwork,
            LibC.AF_INET6 => AddressFamily.InterNetworkV6,
            LibC.AF_UNIX => AddressFamily.Unix,
            int other => throw new SystemdSocketActivationException(
                $"{what} has address family {other}; only IPv4, IPv6 and unix sockets are supported."),
        };

        return new SystemdListenSocket(fileDescriptor, name, family);
    }

    /// <summary>sd_listen_fds(3) sets FD_CLOEXEC on every passed descriptor so children do not inherit them; false when it is not open.</summary>
    public static bool SetCloseOnExec(int fileDescriptor)
    {
        int flags = LibC.fcntl(fileDescriptor, LibC.F_GETFD, 0);
        return flags >= 0 && LibC.fcntl(fileDescriptor, LibC.F_SETFD, flags | LibC.FD_CLOEXEC) >= 0;
    }

    /// <summary>Whether the descriptor is a connected (not listening) stream socket: what a kept client connection must be.</summary>
    public static bool IsConnectedStreamSocket(int fileDescriptor)
    {
        int type = 0, listening = 0;
        uint length = sizeof(int);
        if (LibC.getsockopt(fileDescriptor, LibC.SOL_SOCKET, LibC.SO_TYPE, &type, &length) != 0)
        {
            return false;
        }

        length = sizeof(int);
        return type == LibC.SOCK_STREAM
            && LibC.getsockopt(fileDescriptor, LibC.SOL_SOCKET, LibC.SO_ACCEPTCONN, &listening, &length) == 0
            && listening == 0;
    }

    private static int GetSocketOption(int fileDescriptor, int option, string what)
    {
        int value = 0;
        uint length = sizeof(int);
        if (LibC.getsockopt(fileDescriptor, LibC.SOL_SOCKET, option, &value, &length) != 0)
        {
            int errno = LibC.errno;
            throw new SystemdSocketActivationException(errno == LibC.ENOTSOCK
                ? $"{what} is not a socket."
                : $"{what}: getsockopt failed with errno {errno}.");
        }

        return value;
    }
}
