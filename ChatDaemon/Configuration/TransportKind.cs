namespace ChatDaemon.Configuration;

/// <summary>Which connection transport serves the listeners.</summary>
public enum TransportKind
{
    /// <summary>ChatDaemon's own epoll(7) event loops (Networking/Epoll).</summary>
    Epoll,

    /// <summary>Kestrel's socket transport (the runtime's socket engine and the thread pool).</summary>
    Sockets,
}
