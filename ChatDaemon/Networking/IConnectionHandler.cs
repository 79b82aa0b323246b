namespace ChatDaemon.Networking;

/// <summary>A protocol (chat, echo) served on accepted connections.</summary>
public interface IConnectionHandler
{
    ProtocolSession CreateSession(ClientConnection connection);

    /// <summary>Tells a refused client why, in the protocol's own way (echo says nothing).</summary>
    ValueTask RefuseAsync(ClientConnection connection, ShutdownReason reason);
}
