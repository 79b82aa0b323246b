using System.Net.Sockets;
using ChatDaemon.Interop;

namespace ChatDaemon.Networking;

/// <summary>
/// What the kernel says of a connected socket right now, asked with poll(2) and a zero timeout: nothing is
/// read or written, so a transport that owns the socket's reads and writes is not disturbed.
/// </summary>
internal static class SocketProbe
{
    /// <summary>
    /// True once the peer can no longer take anything: the connection was reset or failed. poll(2) reports
    /// POLLHUP for a TCP socket only when both directions are shut or the connection is closed (tcp_poll in
    /// net/ipv4/tcp.c: a RST moves it to TCP_CLOSE) and POLLERR while an error is pending; a peer that only
    /// sent FIN (half-close) raises neither, so it keeps being served. For a unix stream socket POLLHUP means
    /// the peer closed its end entirely.
    /// </summary>
    public static bool IsPeerGone(Socket socket) => (Poll(socket, 0) & (LibC.POLLHUP | LibC.POLLERR | LibC.POLLNVAL)) != 0;

    /// <summary>True while the kernel has room for more output (POLLOUT): the peer is not the one holding it back.</summary>
    public static bool CanSend(Socket socket) => (Poll(socket, LibC.POLLOUT) & LibC.POLLOUT) != 0;

    private static unsafe short Poll(Socket socket, short events)
    {
        var handle = socket.SafeHandle;
        bool added = false;
        try
        {
            // The reference keeps the descriptor number from being closed and reused while poll(2) looks at it.
            handle.DangerousAddRef(ref added);
            var entry = new LibC.pollfd { fd = (int)handle.DangerousGetHandle(), events = events };
            int ready;
            do
            {
                ready = LibC.poll(&entry, 1, 0);
            }
            while (ready < 0 && LibC.errno == LibC.EINTR);

            return ready > 0 ? entry.revents : (short)0;
        }
        catch (ObjectDisposedException)
        {
            return LibC.POLLNVAL;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
