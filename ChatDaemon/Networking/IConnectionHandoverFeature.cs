using System.Net.Sockets;

namespace ChatDaemon.Networking;

/// <summary>
/// A transport connection whose socket can go to another process without its client noticing: it stops
/// taking bytes from the kernel (what the client sends next stays in the socket for the next process), and
/// it lets go of the socket without shutdown(2), which would end the connection for every holder of it.
/// Only ChatDaemon's own transport offers it; Kestrel's keeps receiving into its pipe and shuts the socket
/// down when disposed.
/// </summary>
public interface IConnectionHandoverFeature
{
    /// <summary>Takes no more bytes from the socket; what was received already stays in the input.</summary>
    void StopReceiving();

    /// <summary>
    /// Lets go of the connection: out of the event loop, never shut down or written to again. The returned
    /// socket is still open; whoever takes it over closes it (or the process's exit does).
    /// </summary>
    Socket Release();
}
