using System.Diagnostics;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Control;
using ChatDaemon.Hosting;
using ChatDaemon.Interop;
using ChatDaemon.Networking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Daemon;

/// <summary>
/// Restart and upgrade of a classic daemon (no systemd) without disconnecting anyone, the way nginx upgrades its
/// binary: the daemon checks that the target program runs and accepts its configuration (<c>check-config</c>),
/// stops as for a restart under systemd (reads stop, queues drain, every connection is let go of open, with its
/// session's state, <see cref="ConnectionServer.HandOverOnStop"/>), and then replaces its own image with
/// execve(2): same pid, same PID file lock, same session and working directory. The listening sockets stay
/// open throughout (duplicated before the server closes its own), so clients who connect meanwhile wait in the
/// backlog. The new image finds everything through <see cref="HandoverManifest"/> (<see cref="InheritedHandover"/>).
/// <c>restart</c> runs the program image this process runs (/proc/self/exe, even if its file was replaced);
/// <c>upgrade</c> runs the program installed at the daemon's path now.
/// </summary>
internal sealed class ExecHandover(
    DaemonSession session,
    ConnectionServer server,
    ListenerSet listeners,
    IOptions<TransportOptions> transport,
    IHostApplicationLifetime lifetime,
    ILogger<ExecHandover> logger) : IHandoverRequests, IHostedService
{
    private static readonly TimeSpan PreflightTimeout = TimeSpan.FromSeconds(30);

    private int _requested;
    private string? _prepared;
    private volatile bool _handingOver;
    private string? _target;
    private IReadOnlyList<(int FileDescriptor, ListenEndpoint Endpoint)> _listenerDuplicates = [];

    public int Generation => session.Generation;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(OnStopping);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<string?> PrepareAsync(HandoverKind kind, CancellationToken cancellationToken)
    {
        string name = kind == HandoverKind.Restart ? "restart" : "upgrade";
        string? refused = Systemd.SystemdEnvironment.IsSystemdService()
            ? "unsupported: under systemd, `systemctl restart` keeps every client (the file descriptor store)"
            : transport.Value.Kind == TransportKind.Sockets
            ? "unsupported: Kestrel's socket transport cannot let connections go open (Transport:Kind=Epoll can)"
            : lifetime.ApplicationStopping.IsCancellationRequested ? "the daemon is stopping"
            : Interlocked.CompareExchange(ref _requested, 1, 0) != 0 ? "a restart or upgrade is already under way"
            : null;
        if (refused is not null)
        {
            DaemonLog.HandoverRefused(logger, name, refused);
            return refused;
        }

        string target = kind == HandoverKind.Restart ? "/proc/self/exe" : session.InstalledExecutable;
        refused = await PreflightAsync(target, cancellationToken).ConfigureAwait(false);
        if (refused is null && lifetime.ApplicationStopping.IsCancellationRequested)
        {
            refused = "the daemon is stopping";
        }

        if (refused is not null)
        {
            Volatile.Write(ref _requested, 0);
            DaemonLog.HandoverRefused(logger, name, refused);
            return refused;
        }

        DaemonLog.HandoverRequested(logger, name, kind == HandoverKind.Restart ? $"{session.InstalledExecutable} (this image)" : target);
        _prepared = target;
        return null;
    }

    public void Begin()
    {
        if (Interlocked.Exchange(ref _prepared, null) is { } target && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            Volatile.Write(ref _target, target);
            lifetime.StopApplication();
        }
    }

    /// <summary>
    /// After the host stopped: the re-execution to perform (every descriptor it passes is marked to survive
    /// execve(2)), or null when the stop was not a handover. Run it once the host is disposed (the logs flushed).
    /// </summary>
    public async Task<HandoverExec?> PrepareAsync()
    {
        if (!_handingOver || Volatile.Read(ref _target) is not { } target)
        {
            return null;
        }

        var handedOver = await server.HandedOver.ConfigureAwait(false);
        var connections = new List<(int, ListenerProtocol)>(handedOver.Count);
        var saved = new List<KeyValuePair<string, byte[]>>();
        foreach (var connection in handedOver)
        {
            int fd = (int)connection.Socket.SafeHandle.DangerousGetHandle();
            if (connection.SavedState.Length > 0 && KeptConnections.KeyOf(fd) is { } key)
            {
                saved.Add(new(key, connection.SavedState));
            }

            // The descriptor now belongs to the next image: nothing in this one may close it.
            connection.Socket.SafeHandle.SetHandleAsInvalid();
            connections.Add((fd, connection.Protocol));
        }

        var manifest = new HandoverManifest(
            session.Generation + 1,
            session.IsDetached,
            session.PidFile?.Descriptor,
            _listenerDuplicates.Select(l => (l.FileDescriptor, l.Endpoint.Key)).ToList(),
            connections,
            MemberStateFile.WriteEncoded(saved));
        int manifestFd = WriteMemfd(manifest.Encode());
        foreach (int fd in manifest.Descriptors.Append(manifestFd))
        {
            int flags = LibC.fcntl(fd, LibC.F_GETFD, 0);
            if (flags >= 0)
            {
                _ = LibC.fcntl(fd, LibC.F_SETFD, flags & ~LibC.FD_CLOEXEC);
            }
        }

        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        environment[HandoverManifest.EnvironmentVariable] = manifestFd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment[HandoverManifest.PidVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment[DetachEnvironment.OriginalDirectory] = session.OriginalDirectory;
        environment[DaemonSession.ExecutableVariable] = session.InstalledExecutable;

        DaemonLog.HandoverExec(logger, target, connections.Count, saved.Count, manifest.Listeners.Count);
        return new HandoverExec(target, OwnCommandLine(), environment.Select(e => $"{e.Key}={e.Value}").ToList());
    }

    private void OnStopping()
    {
        if (Volatile.Read(ref _target) is null)
        {
            return;
        }

        server.HandOverOnStop();
        _listenerDuplicates = listeners.DuplicateForHandover();
        _handingOver = true;
    }

    /// <summary>The target with <c>check-config</c> and this daemon's arguments, from the directory it was started in.</summary>
    private async Task<string?> PreflightAsync(string target, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(target)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = session.OriginalDirectory,
        };
        var command = OwnCommandLine();
        foreach (string argument in command.Skip(1).Take(OwnExecutable.Resolve().LeadingArguments.Count))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("check-config");
        var arguments = session.CommandLine.Arguments;
        foreach (string argument in arguments.Skip(arguments.Count > 0 && arguments[0] == "run" ? 1 : 0))
        {
            if (argument != "--daemon")
            {
                start.ArgumentList.Add(argument);
            }
        }

        try
        {
            using var check = Process.Start(start);
            if (check is null)
            {
                return $"cannot run {target}";
            }

            check.StandardInput.Close();
            var output = check.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = check.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PreflightTimeout);
            try
            {
                await check.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                check.Kill();
                return $"{target} check-config did not finish within {PreflightTimeout.TotalSeconds:0} s";
            }

            if (check.ExitCode == 0)
            {
                return null;
            }

            string said = (await error.ConfigureAwait(false)).Trim();
            if (said.Length == 0)
            {
                said = (await output.ConfigureAwait(false)).Trim();
            }

            return $"{target} check-config failed (exit {check.ExitCode}): {said.ReplaceLineEndings(" ")}";
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or IOException)
        {
            return $"cannot run {target}: {exception.Message}";
        }
    }

    /// <summary>This process's command line as it was started: the new image gets the same.</summary>
    private static List<string> OwnCommandLine() =>
        DaemonControl.ReadCommandLine(Environment.ProcessId) ?? throw new IOException("cannot read /proc/self/cmdline");

    private static unsafe int WriteMemfd(byte[] bytes)
    {
        byte* name = stackalloc byte[] { (byte)'c', (byte)'h', (byte)'a', (byte)'t', (byte)'d', (byte)'a', (byte)'e', (byte)'m', (byte)'o', (byte)'n', 0 };
        int fd = LibC.memfd_create(name, LibC.MFD_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"memfd_create: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(LibC.errno)}");
        }

        using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false), FileAccess.Write);
        stream.Write(bytes);
        stream.Flush();
        return fd;
    }
}
