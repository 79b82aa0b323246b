namespace ChatDaemon.Networking;

/// <summary>
/// Keeps a duplicate of every served connection's socket outside the process (systemd's file descriptor store),
/// so that a restart or a crash does not close it: the next process gets it back and adopts it.
/// </summary>
public interface IConnectionKeeper
{
    /// <summary>
    /// A connection is served: keep it. <paramref name="keptAs"/> is the key of an adopted connection, which is
    /// kept already (not kept again); null for a new one.
    /// </summary>
    void Keep(ClientConnection connection, string? keptAs);

    /// <summary>The connection ended (not handed over) and its socket was shut down: it is kept no more.</summary>
    void Forget(ClientConnection connection);

    /// <summary>The key <paramref name="connection"/> is kept under (its saved state's key); null when it is not kept.</summary>
    string? NameOf(ClientConnection connection);
}
