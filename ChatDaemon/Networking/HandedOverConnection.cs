using System.Net;
using System.Net.Sockets;
using ChatDaemon.Configuration;

namespace ChatDaemon.Networking;

/// <summary>
/// A connection a stopping server let go of, open, for the next process: its socket, the protocol it was
/// accepted for, and what its session saved (<see cref="ProtocolSession.SaveState"/>; empty for none). The
/// next process passes them to <see cref="ConnectionServer.Adopt"/>. <see cref="KeptAs"/> is the name its
/// socket is kept under outside the process (<see cref="IConnectionKeeper"/>), if it is.
/// </summary>
public sealed record HandedOverConnection(Socket Socket, ListenerProtocol Protocol, byte[] SavedState, EndPoint? RemoteEndPoint, string? KeptAs = null);
