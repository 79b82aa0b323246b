using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Networking.Epoll;

/// <summary>
/// A listening socket whose accepted connections are handed to the event loops in turn. Accepting
/// itself uses the runtime's asynchronous accept: it is not on the per-message path.
/// </summary>
internal sealed class EpollListener(Socket socket, EndPoint endPoint, EpollLoopGroup loops) : IConnectionListener, IListenSocketSource
{
    public Socket ListenSocket => socket;

    public EndPoint EndPoint { get; } = endPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null; // unbound while accepting
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue; // the client gave up before it was accepted (accept(2): ECONNABORTED)
            }

            return Serve(accepted, loops);
        }
    }

    /// <summary>An accepted (or adopted) socket, served by the next event loop.</summary>
    internal static EpollConnection Serve(Socket accepted, EpollLoopGroup loops)
    {
        if (accepted.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            // Chat lines and echo replies are small and latency-bound: no Nagle delay (tcp(7) TCP_NODELAY).
            accepted.NoDelay = true;
        }

        var connection = new EpollConnection(accepted, loops.Next());
        connection.Start();
        return connection;
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
