using System.Net.Sockets;

namespace ChatDaemon.Networking;

/// <summary>A listener whose listening socket can be duplicated for the next image of a re-executed daemon.</summary>
public interface IListenSocketSource
{
    Socket ListenSocket { get; }
}
