using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Networking;

public static class ConnectionErrorClassifier
{
    public static ConnectionErrorKind Classify(Exception exception) => exception switch
    {
        ConnectionAbortedException or OperationCanceledException or ObjectDisposedException => ConnectionErrorKind.Aborted,
        ConnectionResetException => ConnectionErrorKind.Reset,
        SocketException s when IsReset(s.SocketErrorCode) => ConnectionErrorKind.Reset,
        IOException { InnerException: SocketException s } when IsReset(s.SocketErrorCode) => ConnectionErrorKind.Reset,
        IOException { InnerException: null } => ConnectionErrorKind.Reset,

        // Writing to a pipe the transport completed after an abort.
        InvalidOperationException when exception.Message.Contains("completed", StringComparison.OrdinalIgnoreCase) => ConnectionErrorKind.Aborted,
        _ => ConnectionErrorKind.Unexpected,
    };

    private static bool IsReset(SocketError error) => error is SocketError.ConnectionReset or SocketError.ConnectionAborted
        or SocketError.Shutdown or SocketError.TimedOut or SocketError.NetworkReset or SocketError.NetworkDown
        or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.OperationAborted;
}
