using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Networking;

/// <summary>
/// Sorts a connection's failure by exception type and SocketError (the errno behind it), never by its
/// message text, which is for people and may change with the runtime or its language.
/// </summary>
public static class ConnectionErrorClassifier
{
    /// <summary>How <paramref name="exception"/>, thrown while serving a connection, is reported.</summary>
    public static ConnectionErrorKind Classify(Exception exception) => exception switch
    {
        ConnectionAbortedException or OperationCanceledException or ObjectDisposedException => ConnectionErrorKind.Aborted,
        ConnectionResetException => ConnectionErrorKind.Reset,
        SocketException s when IsReset(s.SocketErrorCode) => ConnectionErrorKind.Reset,
        IOException { InnerException: SocketException s } when IsReset(s.SocketErrorCode) => ConnectionErrorKind.Reset,
        IOException { InnerException: null } => ConnectionErrorKind.Reset,

        // Not here: the InvalidOperationException of a pipe used after it was completed. The one way that
        // happens in normal operation, a send racing the connection's close, is answered by the connection
        // itself from its own state (ClientConnection.SendAsync returns false); any other is a bug.
        _ => ConnectionErrorKind.Unexpected,
    };

    private static bool IsReset(SocketError error) => error is SocketError.ConnectionReset or SocketError.ConnectionAborted
        or SocketError.Shutdown or SocketError.TimedOut or SocketError.NetworkReset or SocketError.NetworkDown
        or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.OperationAborted;
}
