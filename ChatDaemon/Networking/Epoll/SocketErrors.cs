using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using ChatDaemon.Interop;

namespace ChatDaemon.Networking.Epoll;

/// <summary>Turns an errno from recv(2)/send(2) into the exceptions the rest of the server classifies.</summary>
internal static class SocketErrors
{
    public static SocketError FromErrno(int errno) => errno switch
    {
        LibC.ECONNRESET => SocketError.ConnectionReset,

        // send(2) after the peer reset or closed its end; tcp(7) reports EPIPE where a reset was seen.
        LibC.EPIPE => SocketError.ConnectionReset,
        LibC.ECONNABORTED => SocketError.ConnectionAborted,
        LibC.ETIMEDOUT => SocketError.TimedOut,
        LibC.ENETRESET => SocketError.NetworkReset,
        LibC.ENETDOWN => SocketError.NetworkDown,
        LibC.ENETUNREACH => SocketError.NetworkUnreachable,
        LibC.EHOSTUNREACH => SocketError.HostUnreachable,
        LibC.ENOTCONN => SocketError.NotConnected,
        LibC.EBADF => SocketError.OperationAborted,
        _ => SocketError.SocketError,
    };

    public static SocketException ToException(int errno) => new((int)FromErrno(errno));

    /// <summary>What a reader of the input sees when receiving failed: a reset, like Kestrel reports it.</summary>
    public static Exception ToInputException(int errno)
    {
        var socketError = FromErrno(errno);
        return socketError is SocketError.ConnectionReset or SocketError.ConnectionAborted
            ? new ConnectionResetException(new SocketException((int)socketError).Message)
            : new IOException($"recv failed (errno {errno})", new SocketException((int)socketError));
    }
}
