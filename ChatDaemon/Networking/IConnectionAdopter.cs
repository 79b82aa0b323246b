using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Networking;

/// <summary>
/// A transport that can serve a connection accepted elsewhere: by an earlier process of this service, whose
/// sockets came back through systemd's file descriptor store or across an exec. The socket is connected.
/// </summary>
public interface IConnectionAdopter
{
    /// <summary>The connection over <paramref name="connected"/>, started as an accepted one would be; it owns the socket.</summary>
    ConnectionContext Adopt(Socket connected);
}
