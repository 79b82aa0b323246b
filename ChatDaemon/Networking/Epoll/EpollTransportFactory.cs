using System.Net;
using System.Net.Sockets;
using ChatDaemon.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Networking.Epoll;

/// <summary>
/// The connection transport of ChatDaemon (<c>Transport:Kind=Epoll</c>, the default): listeners bound
/// here hand their connections to a few epoll(7) event loops that receive, run the protocol and send on
/// their own threads, the way a C server does, instead of crossing from the runtime's socket engine to a
/// thread-pool worker for every message. Binds TCP, unix and inherited (socket-activated) listeners.
/// </summary>
public sealed class EpollTransportFactory : IConnectionListenerFactory, IConnectionAdopter, IDisposable
{
    // listen(2) backlog for sockets bound here; socket units set their own (systemd.socket(5) Backlog=).
    private const int Backlog = 512;

    private readonly EpollLoopGroup _loops;

    public EpollTransportFactory(IOptions<TransportOptions> options, ILogger<EpollTransportFactory> logger)
    {
        // Default: half the CPUs. The loops receive and run the protocols; the other half is left to the
        // thread-pool workers that carry a room's fan-out and to the kernel's share of every send. On the
        // 2-CPU benchmark machine one loop cost 9-13 us of CPU per echo request and two 11-17 us (they woke
        // each other's CPU from idle: 5-40x the context switches), and 135 against 185-198 ns per chat delivery.
        int count = options.Value.EventLoops > 0 ? options.Value.EventLoops : Math.Max(1, Environment.ProcessorCount / 2);
        _loops = new EpollLoopGroup(count, ex => NetworkingLog.TransportLoopFault(logger, ex));
    }

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        Socket socket;
        switch (endpoint)
        {
            case FileHandleEndPoint inherited:
                // Already bound and listening (sd_listen_fds(3)); listening again would replace the unit's Backlog=.
                socket = new Socket(new SafeSocketHandle((IntPtr)inherited.FileHandle, ownsHandle: true));
                return new ValueTask<IConnectionListener>(new EpollListener(socket, socket.LocalEndPoint ?? endpoint, _loops));
            case UnixDomainSocketEndPoint:
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                break;
            case IPEndPoint ip:
                socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (ip.Address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                break;
            default:
                throw new NotSupportedException($"cannot listen on a {endpoint.GetType().Name}");
        }

        try
        {
            socket.Bind(endpoint);
            socket.Listen(Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var bound = endpoint is UnixDomainSocketEndPoint ? endpoint : socket.LocalEndPoint ?? endpoint;
        return new ValueTask<IConnectionListener>(new EpollListener(socket, bound, _loops));
    }

    public ConnectionContext Adopt(Socket connected)
    {
        ArgumentNullException.ThrowIfNull(connected);
        return EpollListener.Serve(connected, _loops);
    }

    public void Dispose() => _loops.Dispose();
}
