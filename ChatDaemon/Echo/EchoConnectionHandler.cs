using ChatDaemon.Networking;

namespace ChatDaemon.Echo;

/// <summary>The echo protocol on accepted connections.</summary>
public sealed class EchoConnectionHandler : IConnectionHandler
{
    public ProtocolSession CreateSession(ClientConnection connection) => new EchoSession(connection);

    // Echo is byte-exact: a refused client is just closed, no text is injected into its stream.
    public ValueTask RefuseAsync(ClientConnection connection, ShutdownReason reason) => ValueTask.CompletedTask;
}
