using System.Net.Sockets;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Hosting;
using ChatDaemon.Interop;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Daemon;

/// <summary>
/// The new image's side of a classic restart or upgrade (<see cref="ExecHandover"/>): the listening sockets and
/// client connections the previous image left open, as the manifest names them. Listeners are taken over by
/// the configured endpoint they serve; connections are adopted with the state saved for them (keyed by socket
/// inode). A descriptor that is not what the manifest says (not a connected stream socket, say) is closed with
/// one log line; a member without usable state is served as a new guest.
/// </summary>
internal sealed class InheritedHandover(DaemonSession session, ILogger<InheritedHandover> logger) : IListenerInheritance, IConnectionInheritance
{
    private readonly HandoverManifest? _manifest = session.Handover;
    private string? _problem = session.HandoverProblem;

    private readonly Dictionary<string, int> _listeners = session.Handover?.Listeners
        .GroupBy(l => l.Endpoint, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().FileDescriptor, StringComparer.Ordinal) ?? [];


    private IReadOnlyList<(int FileDescriptor, ListenerProtocol Protocol)>? _connections = session.Handover?.Connections;

    public bool TryTake(ListenEndpoint configured, out int fileDescriptor)
    {
        lock (_listeners)
        {
            return _listeners.Remove(configured.Key, out fileDescriptor);
        }
    }

    public void CloseUnclaimed()
    {
        lock (_listeners)
        {
            foreach (var (endpoint, fd) in _listeners)
            {
                DaemonLog.InheritedListenerUnused(logger, endpoint);
                _ = LibC.close(fd);
            }

            _listeners.Clear();
        }
    }

    public IReadOnlyList<HandedOverConnection> Take()
    {
        if (Interlocked.Exchange(ref _problem, null) is { } problem)
        {
            DaemonLog.HandoverManifestInvalid(logger, problem);
        }

        var connections = Interlocked.Exchange(ref _connections, null);
        if (connections is null || _manifest is not { } manifest)
        {
            return [];
        }

        var states = ReadStates(manifest.State);
        var adopted = new List<HandedOverConnection>(connections.Count);
        int restored = 0;
        foreach (var (fd, protocol) in connections)
        {
            if (!ListenSocketInspector.IsConnectedStreamSocket(fd))
            {
                DaemonLog.InheritedDescriptorUnusable(logger, fd);
                _ = LibC.close(fd);
                continue;
            }

            byte[] saved = [];
            if (KeptConnections.KeyOf(fd) is { } key && states.TryGetValue(key, out var state))
            {
                saved = MemberStateCodec.Encode(state);
                restored++;
            }

            adopted.Add(new HandedOverConnection(new Socket(new SafeSocketHandle(fd, ownsHandle: true)), protocol, saved, null));
        }

        DaemonLog.InheritedConnectionsAdopted(logger, adopted.Count, restored, manifest.Generation);
        return adopted;
    }

    private IReadOnlyDictionary<string, MemberState> ReadStates(byte[] state)
    {
        if (state.Length == 0)
        {
            return new Dictionary<string, MemberState>();
        }

        try
        {
            var contents = MemberStateFile.Read(state);
            foreach (string problem in contents.Problems)
            {
                DaemonLog.InheritedStateProblem(logger, problem);
            }

            return contents.Members;
        }
        catch (MemberStateFormatException exception)
        {
            DaemonLog.InheritedStateProblem(logger, exception.Message);
            return new Dictionary<string, MemberState>();
        }
    }
}
