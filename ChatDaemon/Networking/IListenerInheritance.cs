using ChatDaemon.Configuration;

namespace ChatDaemon.Networking;

/// <summary>
/// Listening sockets a previous image of this process left open for it (a classic daemon's restart or upgrade
/// by re-execution), by the configured endpoint they served: a configured listener found here is taken over
/// instead of bound, so no client is refused while the daemon restarts.
/// </summary>
public interface IListenerInheritance
{
    /// <summary>The inherited listening socket for <paramref name="configured"/>, once; false when there is none.</summary>
    bool TryTake(ListenEndpoint configured, out int fileDescriptor);

    /// <summary>Closes the inherited listeners no configured endpoint took (the configuration no longer has them).</summary>
    void CloseUnclaimed();
}

internal sealed class NoListenerInheritance : IListenerInheritance
{
    public bool TryTake(ListenEndpoint configured, out int fileDescriptor)
    {
        fileDescriptor = -1;
        return false;
    }

    public void CloseUnclaimed()
    {
    }
}
