using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using ChatDaemon.CommandLine;
using ChatDaemon.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ChatDaemon.Interop;

namespace ChatDaemon.Control;

/// <summary>
/// The daemon's control socket: a unix stream socket, mode 0600, answering <c>reload</c> once
/// <see cref="IConfigurationReloader.ReloadAsync"/> has applied or rejected the configuration, and
/// <c>status</c> with a one-line summary. This is what makes <c>chatdaemon reload</c> (and so
/// <c>ExecReload=</c>) synchronous; systemd.service(5) calls an asynchronous <c>kill -HUP</c>
/// "usually not a good choice".
/// It binds in StartAsync, before the privilege drop, so it can live in root-owned /run.
/// </summary>
public sealed class ControlSocketService : IHostedService, IAsyncDisposable
{
    private const int SO_PEERCRED = 17; // socket(7), asm-generic/socket.h

    private readonly IConfigurationReloader _reloader;
    private readonly IControlStatusSource? _statusSource;
    private readonly IHandoverRequests? _handover;
    private readonly ControlSocketOptions _options;
    private readonly ILogger<ControlSocketService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly SemaphoreSlim _slots;
    private readonly List<Task> _clients = [];
    private Socket? _listener;
    private FileIdentity? _boundFile;
    private Task? _acceptLoop;

    public ControlSocketService(
        IConfigurationReloader reloader,
        IOptions<ControlSocketOptions> options,
        ILogger<ControlSocketService> logger,
        IControlStatusSource? statusSource = null,
        IHandoverRequests? handover = null)
    {
        _handover = handover;
        _reloader = reloader;
        _options = options.Value;
        _logger = logger;
        _statusSource = statusSource;
        _slots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentClients));
    }

    /// <summary>The path actually listened on, or null when disabled.</summary>
    public string? ListeningPath { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = _options.Path;
        if (string.IsNullOrEmpty(path))
        {
            ControlLog.ControlSocketDisabled(_logger);
            return;
        }

        await RemoveStaleSocketAsync(path, cancellationToken);

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // On Linux the mode of the socket inode before bind(2) becomes the mode of the file bind
            // creates (net/unix/af_unix.c, unix_bind: S_IFSOCK | (inode mode & ~umask)), so nobody can
            // connect in a window between bind and chmod. The chmod afterwards covers other kernels.
            LibC.fchmod((int)listener.SafeHandle.DangerousGetHandle(), 0x180 /* 0600 */);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            if (LibC.chmod(path, 0x180) != 0)
                throw new StartupException($"cannot chmod control socket {path}: {Marshal.GetPInvokeErrorMessage(LibC.errno)}", ExitCodes.OsError);
            listener.Listen(16);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new StartupException($"cannot listen on control socket {path}: {e.Message}", ExitCodes.OsError, e);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _boundFile = FileIdentity.OfPath(path);
        ListeningPath = path;
        ControlLog.ControlSocketListening(_logger, path);
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null)
            return;
        _stopping.Cancel();
        _listener.Dispose();
        Task[] pending;
        lock (_clients)
            pending = [.. _clients, _acceptLoop ?? Task.CompletedTask];
        await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        RemoveOwnSocketFile();
        _listener = null;
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener?.Dispose();
        RemoveOwnSocketFile();
        return ValueTask.CompletedTask;
    }

    private async Task RemoveStaleSocketAsync(string path, CancellationToken cancellationToken)
    {
        var existing = FileIdentity.OfPath(path);
        if (existing is null)
            return;
        if (!existing.Value.IsSocket)
            throw new StartupException($"control socket path {path} exists and is not a socket", ExitCodes.Config);

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(1));
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused)
        {
            // Nobody listens: a leftover of a daemon that died or could not unlink it after dropping privileges.
            if (LibC.unlink(path) != 0 && LibC.errno != LibC.ENOENT)
                throw new StartupException($"cannot remove stale control socket {path}: {Marshal.GetPInvokeErrorMessage(LibC.errno)}", ExitCodes.OsError);
            ControlLog.ControlSocketStaleRemoved(_logger, path);
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A listener whose backlog is full still exists: treat as in use.
        }

        throw new StartupException($"another daemon is listening on control socket {path}", ExitCodes.Failure);
    }

    private void RemoveOwnSocketFile()
    {
        var path = ListeningPath;
        if (path is null || _boundFile is null)
            return;
        ListeningPath = null;
        // Only our own socket: a successor may already have replaced it.
        if (FileIdentity.OfPath(path) is { } now && now.SameFileAs(_boundFile.Value) && LibC.unlink(path) == 0)
            ControlLog.ControlSocketRemoved(_logger, path);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e)
            {
                ControlLog.ControlAcceptFailed(_logger, e);
                await Task.Delay(100);
                continue;
            }

            var task = ServeAsync(client);
            lock (_clients)
            {
                _clients.RemoveAll(t => t.IsCompleted);
                _clients.Add(task);
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await Task.Yield();
        using var _ = client;
        var gotSlot = _slots.Wait(0);
        try
        {
            if (!gotSlot)
            {
                await ReplyAsync(client, ControlProtocol.Error("busy"));
                return;
            }

            var (peerPid, peerUid) = PeerCredentials(client);
            var ownUid = LibC.geteuid();
            // The 0600 mode already limits who can connect; checking SO_PEERCRED (unix(7)) as well keeps
            // that true if the file mode is ever loosened by hand.
            if (peerUid != 0 && peerUid != ownUid)
            {
                ControlLog.ControlPeerRefused(_logger, peerUid, peerPid, ownUid);
                await ReplyAsync(client, ControlProtocol.Error("permission denied"));
                return;
            }

            var command = await ReadCommandAsync(client);
            if (command is null)
            {
                await ReplyAsync(client, ControlProtocol.Error("no command received"));
                return;
            }

            ControlLog.ControlCommandReceived(_logger, command, peerUid, peerPid);
            var answer = command switch
            {
                ControlProtocol.Reload => await ReloadAsync(),
                ControlProtocol.Status => ControlProtocol.Ok(Describe()),
                ControlProtocol.Restart => await HandOverAsync(HandoverKind.Restart),
                ControlProtocol.Upgrade => await HandOverAsync(HandoverKind.Upgrade),
                ControlProtocol.Generation => ControlProtocol.Ok((_handover?.Generation ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                _ => ControlProtocol.Error($"unknown command '{command}' (expected reload, status, restart, upgrade or generation)"),
            };
            await ReplyAsync(client, answer);
            if (command is ControlProtocol.Restart or ControlProtocol.Upgrade && answer.StartsWith("ok", StringComparison.Ordinal))
            {
                // Only now: the stop closes this socket, and the client must have its answer first.
                _handover!.Begin();
            }
        }
        catch (Exception e)
        {
            // A client that vanished, timed out, or a status source that failed: never the daemon's problem.
            ControlLog.ControlClientFailed(_logger, e);
        }
        finally
        {
            if (gotSlot)
                _slots.Release();
        }
    }

    private async Task<string> HandOverAsync(HandoverKind kind)
    {
        if (_handover is null)
            return ControlProtocol.Error("unsupported: this daemon cannot hand its connections over");
        string? refused = await _handover.PrepareAsync(kind, _stopping.Token);
        return refused is null ? ControlProtocol.Ok("handing over") : ControlProtocol.Error(refused);
    }

    private async Task<string> ReloadAsync()
    {
        ReloadOutcome outcome;
        try
        {
            outcome = await _reloader.ReloadAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return ControlProtocol.Error("daemon is stopping");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The contract reports rejections as outcomes; an exception is a bug, but the client still gets an answer.
            ControlLog.ControlReloadRejected(_logger, e.Message);
            return ControlProtocol.Error($"reload failed: {e.Message}");
        }

        if (outcome.Applied)
            return ControlProtocol.Ok(null);
        var reason = outcome.Error ?? "rejected";
        ControlLog.ControlReloadRejected(_logger, reason);
        return ControlProtocol.Error(reason);
    }

    private string Describe()
    {
        var text = $"pid {Environment.ProcessId}, up {(long)_uptime.Elapsed.TotalSeconds} s";
        var service = _statusSource?.Describe();
        return string.IsNullOrEmpty(service) ? text : $"{text}, {service}";
    }

    private async Task<string?> ReadCommandAsync(Socket client)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        cts.CancelAfter(_options.CommandTimeout);
        var buffer = new byte[ControlProtocol.MaxLineBytes];
        var received = 0;
        while (received < buffer.Length)
        {
            var n = await client.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, cts.Token);
            if (n == 0)
                break;
            received += n;
            var newline = Array.IndexOf(buffer, (byte)'\n', 0, received);
            if (newline >= 0)
                return Encoding.UTF8.GetString(buffer, 0, newline).TrimEnd('\r').Trim();
        }

        return received == 0 ? null : Encoding.UTF8.GetString(buffer, 0, received).Trim();
    }

    private async Task ReplyAsync(Socket client, string line)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        cts.CancelAfter(_options.CommandTimeout);
        await client.SendAsync(Encoding.UTF8.GetBytes(line + "\n"), SocketFlags.None, cts.Token);
        client.Shutdown(SocketShutdown.Both);
    }

    private static (int Pid, uint Uid) PeerCredentials(Socket client)
    {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> ucred = stackalloc byte[12];
        client.GetRawSocketOption(LibC.SOL_SOCKET, SO_PEERCRED, ucred);
        return (MemoryMarshal.Read<int>(ucred), MemoryMarshal.Read<uint>(ucred[4..]));
    }
}
