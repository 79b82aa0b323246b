using ChatDaemon.Configuration;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Networking;

/// <summary>A listener that is bound (or adopted) and, once started, has an accept loop.</summary>
internal sealed class BoundListener(ListenEndpoint endpoint, IConnectionListener listener, bool inherited)
{
    public ListenEndpoint Endpoint { get; } = endpoint;

    public IConnectionListener Listener { get; } = listener;

    /// <summary>Passed in by the service manager rather than bound by us.</summary>
    public bool Inherited { get; } = inherited;

    /// <summary>The address actually bound (with the port the OS chose for port 0).</summary>
    public string BoundAddress => ListenEndpoint.FormatEndPoint(Listener.EndPoint);

    public Task AcceptLoop { get; set; } = Task.CompletedTask;
}
