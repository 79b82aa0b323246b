using ChatDaemon.Configuration;

namespace ChatDaemon.Networking;

/// <summary>
/// Listening sockets handed to the process (socket activation). When there are any, they replace
/// the configured listeners; they are adopted, never bound, and a reload leaves them alone.
/// </summary>
public interface IInheritedListeners
{
    IReadOnlyList<ListenEndpoint> Endpoints { get; }
}

internal sealed class NoInheritedListeners : IInheritedListeners
{
    public IReadOnlyList<ListenEndpoint> Endpoints => [];
}
