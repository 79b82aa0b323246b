using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Networking;

/// <summary>
/// Adoption on Kestrel's socket transport (<c>Transport:Kind=Sockets</c>): its public
/// <see cref="SocketConnectionContextFactory"/> wraps a connected socket the way its listener wraps an
/// accepted one, with the same options.
/// </summary>
public sealed class SocketsConnectionAdopter(ILoggerFactory loggerFactory) : IConnectionAdopter, IDisposable
{
    private readonly SocketConnectionContextFactory _factory = new(
        new SocketConnectionFactoryOptions { WaitForDataBeforeAllocatingBuffer = true },
        loggerFactory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));

    public ConnectionContext Adopt(Socket connected)
    {
        ArgumentNullException.ThrowIfNull(connected);
        if (connected.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            connected.NoDelay = true;
        }

        return _factory.Create(connected);
    }

    public void Dispose() => _factory.Dispose();
}
