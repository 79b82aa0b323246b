using System.Collections.Concurrent;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.AspNetCore.Connections.Features;

namespace ChatDaemon.Hosting;

/// <summary>
/// Keeps every served connection in systemd's file descriptor store (<see cref="IFileDescriptorStore"/>) once
/// <see cref="Enable"/>d, under <c>kept-PROTOCOL-PID-ID</c>: the prefix marks it as the store's when it comes
/// back, the protocol says how to serve it, and process id plus connection id make the name unique across
/// restarts. One FDSTORE message per connection and one FDSTOREREMOVE when it ends.
/// </summary>
internal sealed class KeptConnections(IFileDescriptorStore store) : IConnectionKeeper
{
    private readonly ConcurrentDictionary<ClientConnection, string> _names = new();
    private volatile bool _enabled;

    public bool IsEnabled => _enabled;

    public void Enable() => _enabled = store.IsEnabled;

    public void Keep(ClientConnection connection, string? keptAs)
    {
        if (!_enabled)
        {
            return;
        }

        if (keptAs is not null)
        {
            _names[connection] = keptAs;
            return;
        }

        var socket = connection.Context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is null)
        {
            return;
        }

        string name = $"{FileDescriptorName.KeptPrefix}{ListenEndpoint.ProtocolName(connection.Protocol)}-{Environment.ProcessId}-{connection.Id}";
        if (store.Store(name, socket.SafeHandle))
        {
            _names[connection] = name;
        }
    }

    public void Forget(ClientConnection connection)
    {
        if (_names.TryRemove(connection, out string? name))
        {
            store.Remove(name);
        }
    }

    public string? NameOf(ClientConnection connection) => _names.GetValueOrDefault(connection);

    /// <summary>The protocol a kept connection's name says; false for a name this build did not make.</summary>
    public static bool TryParseName(string name, out ListenerProtocol protocol)
    {
        protocol = default;
        if (!name.StartsWith(FileDescriptorName.KeptPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        string rest = name[FileDescriptorName.KeptPrefix.Length..];
        int dash = rest.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && ListenEndpoint.TryParseProtocol(rest[..dash], out protocol);
    }
}
