namespace ChatDaemon.Networking;

/// <summary>
/// The protocol side of one connection. The server drives it in two phases so that a stop can
/// deliver everything clients already sent: <see cref="RunAsync"/> reads until the client is done
/// or the server stops reading; then, once every session has stopped reading, <see cref="FinishAsync"/>.
/// </summary>
public abstract class ProtocolSession
{
    /// <summary>
    /// Serves the client until it leaves (the session has then delivered its output and the reason
    /// says why) or <paramref name="stopReading"/> fires (returns <see cref="ShutdownReason.ServerStopping"/>,
    /// with output still open for <see cref="FinishAsync"/>).
    /// </summary>
    public abstract Task<ShutdownReason> RunAsync(CancellationToken stopReading);

    /// <summary>Server stop, after all sessions stopped reading: tell the client, deliver what is queued.</summary>
    public abstract Task FinishAsync();

    /// <summary>
    /// What a process that adopts this client's connection needs to carry on (opaque to the server; read back
    /// by the protocol's <see cref="IConnectionHandler.ResumeSession"/>), taken once the session stopped
    /// reading; null for a protocol without state.
    /// </summary>
    public virtual byte[]? SaveState() => null;
}
