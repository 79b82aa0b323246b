namespace ChatDaemon.Configuration;

/// <summary>The connection transport (section <c>Transport</c>); read once at start, a change needs a restart.</summary>
public sealed class TransportOptions
{
    /// <summary><see cref="TransportKind.Epoll"/> (default) or <see cref="TransportKind.Sockets"/> (Kestrel's).</summary>
    public TransportKind Kind { get; set; } = TransportKind.Epoll;

    /// <summary>Event loop threads of the epoll transport; 0 (default) means half the CPUs the process may use, at least one.</summary>
    public int EventLoops { get; set; }
}
