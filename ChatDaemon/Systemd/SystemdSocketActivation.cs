using Microsoft.Extensions.Logging;

namespace ChatDaemon.Systemd;

/// <summary>
/// Takes over the sockets systemd passed (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES; sd_listen_fds(3)):
/// parsed once, on construction, then the three variables are unset so children cannot mistake the
/// descriptors for theirs, and every descriptor is marked close-on-exec.
/// </summary>
public sealed class SystemdSocketActivation : ISystemdSocketActivation
{
    /// <summary>No passed sockets: outside systemd, or a service that was not socket-activated.</summary>
    public static ISystemdSocketActivation None { get; } = new EmptySocketActivation();

    /// <exception cref="SystemdSocketActivationException">The variables or descriptors are unusable.</exception>
    public SystemdSocketActivation(IProcessEnvironment environment, ILogger<SystemdSocketActivation> logger)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(logger);

        string? listenPid = environment.GetVariable(SystemdVariables.ListenPid);
        string? listenFds = environment.GetVariable(SystemdVariables.ListenFds);
        string? listenFdNames = environment.GetVariable(SystemdVariables.ListenFdNames);
        environment.UnsetVariable(SystemdVariables.ListenPid);
        environment.UnsetVariable(SystemdVariables.ListenFds);
        environment.UnsetVariable(SystemdVariables.ListenFdNames);

        var passed = ListenFdsVariables.Parse(listenPid, listenFds, listenFdNames, environment.ProcessId, out bool forAnotherProcess);
        if (forAnotherProcess)
        {
            SystemdLog.ListenFdsForAnotherProcess(logger, listenPid!, environment.ProcessId);
        }

        var sockets = new List<SystemdListenSocket>(passed.Count);
        var kept = new List<KeptDescriptor>();
        foreach ((int fileDescriptor, string name) in passed)
        {
            if (name.StartsWith(FileDescriptorName.KeptPrefix, StringComparison.Ordinal))
            {
                // Whatever it is, it is the store's and the application's to judge; never a listener.
                ListenSocketInspector.SetCloseOnExec(fileDescriptor);
                kept.Add(new KeptDescriptor(fileDescriptor, name));
                continue;
            }

            SystemdListenSocket socket = ListenSocketInspector.Adopt(fileDescriptor, name);
            SystemdLog.ListenSocketReceived(logger, socket.FileDescriptor, socket.Name, socket.AddressFamily.ToString());
            sockets.Add(socket);
        }

        Sockets = sockets;
        Kept = kept;
        if (kept.Count > 0)
        {
            SystemdLog.KeptDescriptorsReceived(logger, kept.Count);
        }
    }

    public IReadOnlyList<SystemdListenSocket> Sockets { get; }

    public IReadOnlyList<KeptDescriptor> Kept { get; }

    private sealed class EmptySocketActivation : ISystemdSocketActivation
    {
        public IReadOnlyList<SystemdListenSocket> Sockets => [];
    }
}
