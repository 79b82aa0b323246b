using System.Diagnostics;
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
/// empties the store. A classic daemon restarted or upgraded by re-execution gets its connections from the
/// previous image instead (<see cref="IConnectionInheritance"/>). Registered before the server: it starts first (the store is on before anyone is
/// accepted) and stops last (the state is written once the server has handed everything over).
/// </summary>
internal sealed class ConnectionContinuity(
    KeptConnections keeper,
    KeptMemberStates states,
    IFileDescriptorStore store,
    IServiceManagerQuery serviceManager,
    ISystemdSocketActivation activation,
    ConnectionServer server,
    IHostApplicationLifetime lifetime,
    ILogger<ConnectionContinuity> logger,
    IConnectionInheritance? inheritance = null) : IHostedService
{
    // systemd answers in a few ms; at a stop PID 1 may be busy with the stop itself and 10,000 stored descriptors,
    // and a restart taken for a stop disconnects everyone, so the question at a stop may take longer.
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StopQueryTimeout = TimeSpan.FromSeconds(8);
    private bool _handingOver;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A classic daemon's restart or upgrade re-executed this process with its connections open.
        if (inheritance?.Take() is { Count: > 0 } inherited)
        {
            server.Adopt(inherited);
        }

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
        var keptState = kept.FirstOrDefault(d => d.Name == KeptMemberStates.StateName);
        var previous = keptState is null ? null : ReadStateFile(keptState);

        // The new state file replaces the old in the store before anyone rejoins: their records go to it.
        states.Start();
        if (kept.Count > 0)
        {
            AdoptKept(kept.Where(d => d.Name != KeptMemberStates.StateName), previous);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_handingOver)
        {
            return;
        }

        var handedOver = await server.HandedOver.ConfigureAwait(false);
        var saved = handedOver
            .Where(c => c.KeptAs is not null && c.SavedState.Length > 0)
            .Select(c => new KeyValuePair<string, byte[]>(c.KeptAs!, c.SavedState))
            .ToList();
        byte[] file = MemberStateFile.WriteEncoded(saved);
        if (states.Replace(file))
        {
            HostingLog.StateKept(logger, handedOver.Count, saved.Count, file.Length);
        }
    }

    /// <summary>Before any hosted service stops: a restart hands the connections over, anything else stops them.</summary>
    private void DecideHandover()
    {
        long asked = Stopwatch.GetTimestamp();
        var job = serviceManager.GetJobAsync(StopQueryTimeout).GetAwaiter().GetResult();
        if (job == ServiceJob.Restart && states.IsKeeping)
        {
            _handingOver = true;
            states.Freeze();
            server.HandOverOnStop();
        }

        HostingLog.StopKind(logger, job.ToString(), _handingOver, (long)Stopwatch.GetElapsedTime(asked).TotalMilliseconds);
    }

    private void AdoptKept(IEnumerable<KeptDescriptor> kept, MemberStateFileContents? previous)
    {
        var connections = new List<HandedOverConnection>();
        foreach (var descriptor in kept)
        {
            if (!KeptConnections.TryParseName(descriptor.Name, out var protocol) || !ListenSocketInspector.IsConnectedStreamSocket(descriptor.FileDescriptor))
            {
                HostingLog.KeptDescriptorUnusable(logger, descriptor.Name);
                _ = LibC.close(descriptor.FileDescriptor);
                store.Remove(descriptor.Name);
                continue;
            }

            string? key = KeptConnections.KeyOf(descriptor.FileDescriptor);
            var socket = new Socket(new SafeSocketHandle(descriptor.FileDescriptor, ownsHandle: true));
            connections.Add(new HandedOverConnection(socket, protocol, [], null, key));
        }

        int restored = 0;
        for (int i = 0; i < connections.Count; i++)
        {
            if (connections[i].KeptAs is { } key && previous?.Members.TryGetValue(key, out var state) == true)
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
        // Read once; KeptMemberStates puts a new one in its place.
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

    private static void CloseAll(IReadOnlyList<KeptDescriptor> kept)
    {
        foreach (var descriptor in kept)
        {
            _ = LibC.close(descriptor.FileDescriptor);
        }
    }
}
