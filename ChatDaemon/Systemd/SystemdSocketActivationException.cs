namespace ChatDaemon.Systemd;

/// <summary>
/// The socket activation variables or descriptors are unusable (malformed LISTEN_FDS, a name count that
/// does not match, a descriptor that is not a listening stream socket). A start-up error: the service
/// should fail rather than run without the sockets systemd holds for it.
/// </summary>
public sealed class SystemdSocketActivationException : Exception
{
    public SystemdSocketActivationException(string message)
        : base(message)
    {
    }
}
