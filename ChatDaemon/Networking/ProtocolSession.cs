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

    /// <summary>
    /// Server stop that hands the connection to the next process, after all sessions stopped reading and the
    /// transport stopped receiving: let what is queued reach the socket (until <paramref name="giveUp"/>), then
    /// <see cref="SaveState"/> and leave without a word to the client.
    /// </summary>
    public virtual Task<byte[]?> HandOverAsync(CancellationToken giveUp) => Task.FromResult(SaveState());

    /// <summary>
    /// For a session resumed from saved state: takes its place in the shared state (a chat member's nick and
    /// rooms) before <see cref="RunAsync"/>. The server calls it for every connection adopted together before
    /// any of them runs, so none reads while another is not back yet.
    /// </summary>
    public virtual void Rejoin()
    {
    }
}
