using System.Collections.Concurrent;
using ChatDaemon.Configuration;
using ChatDaemon.Interop;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Hosting;

/// <summary>
/// Keeps every served connection in systemd's file descriptor store (<see cref="IFileDescriptorStore"/>) once
/// <see cref="Enable"/>d. All connections of a protocol share one short name (<c>~chat</c>, <c>~echo</c>): the
/// names of everything in the store come back in one environment variable, which execve(2) caps at 128 KiB
/// (<see cref="FileDescriptorName.MaxNamesLength"/>), so 10,000 names of 20 characters would not start. A
/// connection is told apart by its socket's inode instead (fstat(2); the same in every process that holds the
/// socket), which keys its member state. Letting go needs no message: the server shuts every socket it closes
/// down (shutdown(2)), so systemd's duplicate reports POLLHUP and systemd drops it (FDPOLL=1, the default).
/// </summary>
internal sealed class KeptConnections(IFileDescriptorStore store, ILogger<KeptConnections> logger) : IConnectionKeeper
{
    /// <summary>The most connections kept: their names (6 bytes each with the separator) must fit LISTEN_FDNAMES with the listeners' and the state's.</summary>
    internal const int MaxKept = 20_000;

    private readonly ConcurrentDictionary<ClientConnection, string> _keys = new();
    private volatile bool _enabled;
    private int _overLimitLogged;

    public bool IsEnabled => _enabled;

    public void Enable() => _enabled = store.IsEnabled;

    /// <summary>The name a connection of <paramref name="protocol"/> is kept under.</summary>
    public static string NameFor(ListenerProtocol protocol) => FileDescriptorName.KeptPrefix + ListenEndpoint.ProtocolName(protocol);

    /// <summary>The key of a kept socket's state: its inode, the same wherever the socket is held; null when it cannot be told.</summary>
    public static string? KeyOf(int fileDescriptor) =>
        FileIdentity.OfDescriptor(fileDescriptor) is { } identity ? $"ino-{identity.Inode}" : null;

    public void Keep(ClientConnection connection, string? keptAs)
    {
        if (!_enabled)
        {
            return;
        }

        if (keptAs is not null)
        {
            _keys[connection] = keptAs;
            return;
        }

        var socket = connection.Context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is null || KeyOf((int)socket.SafeHandle.DangerousGetHandle()) is not { } key)
        {
            return;
        }

        if (_keys.Count >= MaxKept)
        {
            if (Interlocked.Exchange(ref _overLimitLogged, 1) == 0)
            {
                HostingLog.KeepLimitReached(logger, MaxKept);
            }

            return;
        }

        if (store.Store(NameFor(connection.Protocol), socket.SafeHandle))
        {
            _keys[connection] = key;
        }
    }

    public void Forget(ClientConnection connection) => _keys.TryRemove(connection, out _);

    public string? NameOf(ClientConnection connection) => _keys.GetValueOrDefault(connection);

    /// <summary>The protocol a kept connection's name says; false for a name this build did not give a connection.</summary>
    public static bool TryParseName(string name, out ListenerProtocol protocol)
    {
        protocol = default;
        return name.StartsWith(FileDescriptorName.KeptPrefix, StringComparison.Ordinal)
            && ListenEndpoint.TryParseProtocol(name[FileDescriptorName.KeptPrefix.Length..], out protocol);
    }
}
