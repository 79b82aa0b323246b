namespace ChatDaemon.Networking;

/// <summary>Why a connection ended. The first reason recorded wins; later ones are ignored.</summary>
public enum ShutdownReason
{
    /// <summary>The client closed its side (end of stream).</summary>
    ClientClosed,

    /// <summary>The client asked to leave (/quit).</summary>
    ClientQuit,

    /// <summary>The peer reset the connection or it broke (ECONNRESET, EPIPE, timeouts).</summary>
    ConnectionReset,

    /// <summary>The client did not read and its send queue overflowed.</summary>
    SlowClient,

    /// <summary>Refused: the server holds its maximum of connections.</summary>
    ServerFull,

    /// <summary>Refused: the client's address holds its maximum of connections.</summary>
    TooManyFromAddress,

    /// <summary>The server is stopping and the connection was drained.</summary>
    ServerStopping,

    /// <summary>The server stopped and the drain timeout ran out first.</summary>
    DrainTimeout,

    /// <summary>A fault in the server; logged as an error.</summary>
    UnexpectedError,

    /// <summary>The server stopped and handed the connection, open, to the next process.</summary>
    HandedOver,
}
