using System.Net.Sockets;
using ChatDaemon.Chat;
using ChatDaemon.Interop;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace ChatDaemon.Hosting;

/// <summary>
/// Restarts that disconnect nobody, under systemd with <c>FileDescriptorStoreMax=</c> set (systemd.service(5)):
/// every connection is kept in the file descriptor store as it is served (<see cref="KeptConnections"/>); a
/// stop that is a restart (the unit's job, <see cref="IServiceManagerQuery"/>) hands every connection over
/// (<see cref="ConnectionServer.HandOverOnStop"/>) and leaves the members' state in the store as a memfd
/// (<see cref="MemberStateFile"/>); the next process gets the connections and the state back in LISTEN_FDS
/// and adopts them before it reports ready. A plain stop tells clients and closes them as before, and systemd
/// empties the store. Registered before the server: it starts first (the store is on before anyone is
/// accepted) and stops last (the state is written once the server has handed everything over).
/// </summary>
internal sealed class ConnectionContinuity(
    KeptConnections keeper,
    IFileDescriptorStore store,
    IServiceManagerQuery serviceManager,
    ISystemdSocketActivation activation,
    ConnectionServer server,
    IHostApplicationLifetime lifetime,
    ILogger<ConnectionContinuity> logger) : IHostedService
{
    /// <summary>The name the members' state is kept under; it never polls for a hangup (FDPOLL=0: a memfd has none).</summary>
    internal const string StateName = FileDescriptorName.KeptPrefix + "state";

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);
    private bool _handingOver;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var kept = activation.Kept;
        if (!store.IsEnabled)
        {
            CloseAll(kept);
            return;
        }

        uint? max = await serviceManager.GetFileDescriptorStoreMaxAsync(QueryTimeout).ConfigureAwait(false);
        if (max is null or 0)
        {
            HostingLog.ConnectionsNotKept(logger);
            CloseAll(kept);
            return;
        }

        keeper.Enable();
        lifetime.ApplicationStopping.Register(DecideHandover);
        if (kept.Count > 0)
        {
            AdoptKept(kept);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_handingOver)
        {
            return;
        }

        var handedOver = await server.HandedOver.ConfigureAwait(false);
        var states = handedOver
            .Where(c => c.KeptAs is not null && c.SavedState.Length > 0)
            .Select(c => new KeyValuePair<string, byte[]>(c.KeptAs!, c.SavedState))
            .ToList();
        byte[] file = MemberStateFile.WriteEncoded(states);
        if (StoreStateFile(file))
        {
            HostingLog.StateKept(logger, handedOver.Count, states.Count, file.Length);
        }
    }

    /// <summary>Before any hosted service stops: a restart hands the connections over, anything else stops them.</summary>
    private void DecideHandover()
    {
        var job = serviceManager.GetJobAsync(QueryTimeout).GetAwaiter().GetResult();
        if (job == ServiceJob.Restart)
        {
            _handingOver = true;
            server.HandOverOnStop();
        }

        HostingLog.StopKind(logger, job.ToString(), _handingOver);
    }

    private void AdoptKept(IReadOnlyList<KeptDescriptor> kept)
    {
        MemberStateFileContents? states = null;
        var connections = new List<HandedOverConnection>();
        foreach (var descriptor in kept)
        {
            if (descriptor.Name == StateName)
            {
                states = ReadStateFile(descriptor);
                continue;
            }

            if (!KeptConnections.TryParseName(descriptor.Name, out var protocol) || !ListenSocketInspector.IsConnectedStreamSocket(descriptor.FileDescriptor))
            {
                HostingLog.KeptDescriptorUnusable(logger, descriptor.Name);
                _ = LibC.close(descriptor.FileDescriptor);
                store.Remove(descriptor.Name);
                continue;
            }

            var socket = new Socket(new SafeSocketHandle(descriptor.FileDescriptor, ownsHandle: true));
            connections.Add(new HandedOverConnection(socket, protocol, [], null, descriptor.Name));
        }

        int restored = 0;
        for (int i = 0; i < connections.Count; i++)
        {
            if (states?.Members.TryGetValue(connections[i].KeptAs!, out var state) == true)
            {
                connections[i] = connections[i] with { SavedState = MemberStateCodec.Encode(state) };
                restored++;
            }
        }

        server.Adopt(connections);
        HostingLog.KeptConnectionsAdopted(logger, connections.Count, restored);
    }

    private MemberStateFileContents? ReadStateFile(KeptDescriptor descriptor)
    {
        // Read once and let go: the next restart writes a new one.
        store.Remove(descriptor.Name);
        using var file = new SafeFileHandle(descriptor.FileDescriptor, ownsHandle: true);
        try
        {
            long length = RandomAccess.GetLength(file);
            var bytes = new byte[length];
            int read = RandomAccess.Read(file, bytes, 0);
            var contents = MemberStateFile.Read(bytes.AsSpan(0, read));
            foreach (string problem in contents.Problems)
            {
                HostingLog.StateProblem(logger, problem);
            }

            return contents;
        }
        catch (Exception exception) when (exception is MemberStateFormatException or IOException or UnauthorizedAccessException)
        {
            HostingLog.StateProblem(logger, exception.Message);
            return null;
        }
    }

    private unsafe bool StoreStateFile(byte[] contents)
    {
        int fd;
        fixed (byte* name = "chatdaemon-state\0"u8)
        {
            fd = LibC.memfd_create(name, LibC.MFD_CLOEXEC);
        }

        if (fd < 0)
        {
            HostingLog.StateProblem(logger, $"memfd_create failed (errno {LibC.errno}); members come back as new guests");
            return false;
        }

        using var file = new SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.Write(file, contents, 0);
        return store.Store(StateName, file, pollForHangup: false);
    }

    private static void CloseAll(IReadOnlyList<KeptDescriptor> kept)
    {
        foreach (var descriptor in kept)
        {
            _ = LibC.close(descriptor.FileDescriptor);
        }
    }
}
