using System.Net;
using System.Net.Sockets;
using ChatDaemon.Configuration;

namespace ChatDaemon.Networking;

/// <summary>
/// A connection a stopping server let go of, open, for the next process: its socket, the protocol it was
/// accepted for, and what its session saved (<see cref="ProtocolSession.SaveState"/>; empty for none). The
/// next process passes all three to <see cref="ConnectionServer.AdoptAsync"/>.
/// </summary>
public sealed record HandedOverConnection(Socket Socket, ListenerProtocol Protocol, byte[] SavedState, EndPoint? RemoteEndPoint);
