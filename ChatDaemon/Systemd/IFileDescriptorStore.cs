using System.Runtime.InteropServices;

namespace ChatDaemon.Systemd;

/// <summary>
/// systemd's file descriptor store (systemd.service(5) <c>FileDescriptorStoreMax=</c>, sd_notify(3)
/// <c>FDSTORE=1</c>): descriptors the service manager keeps while the service restarts and passes to the
/// next process in LISTEN_FDS/LISTEN_FDNAMES, after the socket units' own.
/// </summary>
public interface IFileDescriptorStore
{
    /// <summary>Whether a service manager that can store descriptors is there to talk to.</summary>
    bool IsEnabled { get; }

    /// <summary>
    /// Hands systemd a duplicate of <paramref name="descriptor"/> under <paramref name="name"/>. With
    /// <paramref name="pollForHangup"/> systemd drops it by itself once it reports POLLHUP or POLLERR
    /// (<c>FDPOLL=0</c> turns that off). False when it was not sent; the reason is logged.
    /// </summary>
    bool Store(string name, SafeHandle descriptor, bool pollForHangup = true);

    /// <summary>
    /// Asks systemd to close every descriptor it keeps under <paramref name="name"/>
    /// (<c>FDSTOREREMOVE=1</c>): until then the peer of a stored socket never sees it close.
    /// </summary>
    bool Remove(string name);
}
