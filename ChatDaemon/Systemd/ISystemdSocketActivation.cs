namespace ChatDaemon.Systemd;

/// <summary>
/// The sockets systemd passed to this process (socket activation, sd_listen_fds(3)).
/// Empty outside a socket-activated service; the application then binds its configured listeners.
/// </summary>
public interface ISystemdSocketActivation
{
    /// <summary>Passed listening stream sockets, in descriptor order.</summary>
    IReadOnlyList<SystemdListenSocket> Sockets { get; }

    /// <summary>Descriptors back from the file descriptor store (names starting with <see cref="FileDescriptorName.KeptPrefix"/>), not inspected.</summary>
    IReadOnlyList<KeptDescriptor> Kept => [];
}
