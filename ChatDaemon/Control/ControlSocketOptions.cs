namespace ChatDaemon.Control;

/// <summary>Where and how the control socket listens.</summary>
public sealed class ControlSocketOptions
{
    /// <summary>The socket path (see <see cref="ControlSocketPath"/>); null disables the control socket.</summary>
    public string? Path { get; set; }

    /// <summary>How long a client may take to send its command line. Default 5 s: a command is one short line.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Clients served at once; more are answered "error busy". Default 16: control traffic is rare.</summary>
    public int MaxConcurrentClients { get; set; } = 16;
}
