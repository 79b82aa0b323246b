namespace ChatDaemon.Networking;

/// <summary>
/// Keeps a duplicate of every served connection's socket outside the process (systemd's file descriptor store),
/// so that a restart or a crash does not close it: the next process gets it back and adopts it.
/// </summary>
public interface IConnectionKeeper
{
    /// <summary>
    /// A connection is served: keep it, under a name of its own. <paramref name="keptAs"/> is the name an
    /// adopted connection is kept under already (it is not kept again); null for a new one.
    /// </summary>
    void Keep(ClientConnection connection, string? keptAs);

    /// <summary>The connection ended (not handed over): let go of the kept duplicate, or its peer never sees it close.</summary>
    void Forget(ClientConnection connection);

    /// <summary>The name <paramref name="connection"/> is kept under; null when it is not kept.</summary>
    string? NameOf(ClientConnection connection);
}
