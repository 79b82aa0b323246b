namespace ChatDaemon.Networking;

/// <summary>A protocol (chat, echo) served on accepted connections.</summary>
public interface IConnectionHandler
{
    ProtocolSession CreateSession(ClientConnection connection);

    /// <summary>
    /// A session that carries on from <paramref name="savedState"/>, what <see cref="ProtocolSession.SaveState"/>
    /// gave for the same client in an earlier process. A protocol without state, or a state it cannot read
    /// (it says why in its log), starts a new session.
    /// </summary>
    ProtocolSession ResumeSession(ClientConnection connection, ReadOnlyMemory<byte> savedState) => CreateSession(connection);

    /// <summary>Tells a refused client why, in the protocol's own way (echo says nothing).</summary>
    ValueTask RefuseAsync(ClientConnection connection, ShutdownReason reason);
}
