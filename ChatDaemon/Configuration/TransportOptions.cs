namespace ChatDaemon.Configuration;

/// <summary>
/// The connection transport (section <c>Transport</c>). Needs a restart: read once at start, so a reload
/// changing any key here is rejected (<see cref="RestartRequiredKeys"/>).
/// </summary>
public sealed class TransportOptions
{
    /// <summary><see cref="TransportKind.Epoll"/> (default) or <see cref="TransportKind.Sockets"/> (Kestrel's).</summary>
    public TransportKind Kind { get; set; } = TransportKind.Epoll;

    /// <summary>Event loop threads of the epoll transport; 0 (default) means half the CPUs the process may use, at least one.</summary>
    public int EventLoops { get; set; }
}
