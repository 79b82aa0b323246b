using System.Net;
using System.Net.Sockets;
using ChatDaemon.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Networking;

/// <summary>
/// The listeners the server accepts on: adopted from the service manager, or bound from configuration
/// and kept in step with it on reload (new ones bound before the reload commits, removed ones unbound
/// after; the connections they accepted stay).
/// </summary>
public sealed class ListenerSet(
    IConnectionListenerFactory transport,
    IInheritedListeners inherited,
    IOptionsMonitor<ListenOptions> listenOptions,
    ILogger<ListenerSet> logger,
    IListenerInheritance? inheritance = null,
    TlsAcceptor? tls = null) : IReloadParticipant
{
    private readonly IListenerInheritance _inheritance = inheritance ?? new NoListenerInheritance();
    private readonly object _sync = new();
    private readonly List<BoundListener> _listeners = new();
    private List<BoundListener> _prepared = new();
    private List<BoundListener> _retiring = new();
    private Func<ConnectionContext, ListenEndpoint, Task>? _onAccepted;
    private bool _closed;

    /// <summary>The addresses actually listened on, e.g. to learn the port the OS chose for port 0.</summary>
    public IReadOnlyList<ListenEndpoint> Bound
    {
        get
        {
            lock (_sync)
            {
                return _listeners.Select(l => l.Endpoint with { EndPoint = l.Listener.EndPoint }).ToList();
            }
        }
    }

    public bool FromServiceManager => inherited.Endpoints.Count > 0;

    /// <summary>
    /// False if an accept loop ended while its listener is still meant to accept (a health signal for
    /// the service manager's watchdog); true while stopping.
    /// </summary>
    public bool AcceptLoopsRunning
    {
        get
        {
            lock (_sync)
            {
                return _closed || _onAccepted is null || _listeners.All(l => !l.AcceptLoop.IsCompleted);
            }
        }
    }

    /// <summary>Adopts the inherited sockets, or binds the configured listeners; all or nothing.</summary>
    public async Task BindAsync(CancellationToken cancellationToken)
    {
        var inheritedEndpoints = inherited.Endpoints;
        if (inheritedEndpoints.Count > 0)
        {
            NetworkingLog.ConfiguredListenersReplaced(logger, inheritedEndpoints.Count);
        }

        var endpoints = inheritedEndpoints.Count > 0 ? inheritedEndpoints : listenOptions.CurrentValue.Endpoints();
        List<BoundListener> bound;
        try
        {
            bound = await BindAllAsync(endpoints, inheritedEndpoints.Count > 0, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inheritance.CloseUnclaimed();
        }

        lock (_sync)
        {
            _listeners.AddRange(bound);
        }
    }

    /// <summary>
    /// Duplicates of the listening sockets (close-on-exec descriptors, with the configured endpoint each serves),
    /// for the next image of a re-executed daemon: the kernel keeps a listening socket, and the connections
    /// queued on it, while any descriptor of it is open. Listeners of a transport that does not expose its
    /// socket (Kestrel's) are left out; the next image binds those again.
    /// </summary>
    public IReadOnlyList<(int FileDescriptor, ListenEndpoint Endpoint)> DuplicateForHandover()
    {
        var duplicates = new List<(int, ListenEndpoint)>();
        lock (_sync)
        {
            foreach (var listener in _listeners)
            {
                if (listener.Inherited || listener.Listener is not IListenSocketSource source)
                {
                    continue;
                }

                int fd = Interop.LibC.fcntl((int)source.ListenSocket.SafeHandle.DangerousGetHandle(), Interop.LibC.F_DUPFD_CLOEXEC, 3);
                if (fd >= 0)
                {
                    duplicates.Add((fd, listener.Endpoint));
                }
            }
        }

        return duplicates;
    }

    /// <summary>Starts an accept loop on every bound listener, now and for those a reload adds.</summary>
    public void StartAccepting(Func<ConnectionContext, ListenEndpoint, Task> onAccepted)
    {
        lock (_sync)
        {
            _onAccepted = onAccepted;
            foreach (var listener in _listeners)
            {
                listener.AcceptLoop = AcceptLoopAsync(listener, onAccepted);
            }
        }
    }

    /// <summary>Stops accepting on every listener and waits for the accept loops to end.</summary>
    public async Task UnbindAllAsync()
    {
        List<BoundListener> all;
        lock (_sync)
        {
            _closed = true;
            all = _listeners.ToList();
            _listeners.Clear();
        }

        await Task.WhenAll(all.Select(UnbindAsync)).ConfigureAwait(false);
        await Task.WhenAll(all.Select(l => l.AcceptLoop)).ConfigureAwait(false);
    }

    ReloadOrder IReloadParticipant.Order => ReloadOrder.Listeners;

    async Task<string?> IReloadParticipant.PrepareAsync(IConfiguration candidate, CancellationToken cancellationToken)
    {
        if (FromServiceManager)
        {
            NetworkingLog.ListenersFollowServiceManager(logger);
            return null;
        }

        var wanted = new ListenOptions();
        candidate.Bind(wanted);
        var wantedEndpoints = wanted.Endpoints();
        List<BoundListener> current;
        lock (_sync)
        {
            current = _listeners.ToList();
        }

        var currentKeys = current.Select(l => l.Endpoint.Key).ToHashSet(StringComparer.Ordinal);
        var wantedKeys = wantedEndpoints.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        try
        {
            _prepared = await BindAllAsync(wantedEndpoints.Where(e => !currentKeys.Contains(e.Key)).ToList(), false, cancellationToken).ConfigureAwait(false);
        }
        catch (ListenerBindException ex)
        {
            return ex.Message;
        }

        _retiring = current.Where(l => !wantedKeys.Contains(l.Endpoint.Key)).ToList();
        return null;
    }

    async Task IReloadParticipant.CommitAsync(CancellationToken cancellationToken)
    {
        var added = _prepared;
        var removed = _retiring;
        _prepared = new();
        _retiring = new();
        lock (_sync)
        {
            if (!_closed)
            {
                foreach (var listener in added)
                {
                    _listeners.Add(listener);
                    if (_onAccepted is not null)
                    {
                        listener.AcceptLoop = AcceptLoopAsync(listener, _onAccepted);
                    }
                }

                _listeners.RemoveAll(removed.Contains);
            }
        }

        await Task.WhenAll(removed.Select(UnbindAsync)).ConfigureAwait(false);
    }

    async Task IReloadParticipant.RollbackAsync(CancellationToken cancellationToken)
    {
        var added = _prepared;
        _prepared = new();
        _retiring = new();
        await Task.WhenAll(added.Select(UnbindAsync)).ConfigureAwait(false);
    }

    private async Task<List<BoundListener>> BindAllAsync(IReadOnlyList<ListenEndpoint> endpoints, bool areInherited, CancellationToken cancellationToken)
    {
        var bound = new List<BoundListener>();
        try
        {
            foreach (var endpoint in endpoints)
            {
                bound.Add(await BindOneAsync(endpoint, areInherited, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            await Task.WhenAll(bound.Select(UnbindAsync)).ConfigureAwait(false);
            throw;
        }

        return bound;
    }

    private async Task<BoundListener> BindOneAsync(ListenEndpoint endpoint, bool isInherited, CancellationToken cancellationToken)
    {
        // A configured TLS listener without a certificate never gets here (ListenOptionsValidator); one passed by
        // systemd (FileDescriptorName=chat+tls) is only known now.
        if (endpoint.Tls && tls?.HasCertificate != true)
        {
            throw new ListenerBindException(
                $"cannot listen on {ListenEndpoint.FormatEndPoint(endpoint.EndPoint)} ({ListenEndpoint.ListenerName(endpoint.Protocol, endpoint.Tls)}): a TLS listener needs Tls:CertificateFile and Tls:KeyFile",
                ListenerBindFailure.InheritedSocketMisconfigured);
        }

        // A restart by re-execution left this listener open: take it over (no connect is refused meanwhile).
        // A unix socket counts only while its path still names it.
        EndPoint? taken = null;
        if (!isInherited && _inheritance.TryTake(endpoint, out int inheritedFd))
        {
            if (endpoint.EndPoint is not UnixDomainSocketEndPoint path || NamesSocket(path.ToString(), inheritedFd))
            {
                taken = new FileHandleEndPoint((ulong)inheritedFd, FileHandleType.Auto);
            }
            else
            {
                _ = Interop.LibC.close(inheritedFd);
            }
        }

        if (taken is null && !isInherited && endpoint.EndPoint is UnixDomainSocketEndPoint unix)
        {
            RemoveStaleUnixSocket(unix.ToString());
        }

        IConnectionListener listener;
        try
        {
            listener = await transport.BindAsync(taken ?? endpoint.EndPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Describe(endpoint, ex);
        }

        var result = new BoundListener(endpoint, listener, isInherited);
        if (taken is not null)
        {
            NetworkingLog.ListenerTakenOver(logger, ListenEndpoint.ListenerName(endpoint.Protocol, endpoint.Tls), result.BoundAddress);
        }
        else if (isInherited)
        {
            NetworkingLog.ListenerAdopted(logger, ListenEndpoint.ListenerName(endpoint.Protocol, endpoint.Tls), result.BoundAddress);
        }
        else
        {
            NetworkingLog.ListenerBound(logger, ListenEndpoint.ListenerName(endpoint.Protocol, endpoint.Tls), result.BoundAddress);
        }

        return result;
    }

    private static ListenerBindException Describe(ListenEndpoint endpoint, Exception ex)
    {
        string where = $"cannot listen on {ListenEndpoint.FormatEndPoint(endpoint.EndPoint)} ({ListenEndpoint.ListenerName(endpoint.Protocol, endpoint.Tls)})";
        var socketError = (ex as SocketException ?? ex.InnerException as SocketException)?.SocketErrorCode;
        return ex switch
        {
            AddressInUseException => new ListenerBindException($"{where}: address already in use", ListenerBindFailure.AddressInUse, ex),
            _ when socketError == SocketError.AddressAlreadyInUse => new ListenerBindException($"{where}: address already in use", ListenerBindFailure.AddressInUse, ex),
            _ when socketError == SocketError.AccessDenied => new ListenerBindException($"{where}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)", ListenerBindFailure.AccessDenied, ex),
            _ when socketError == SocketError.AddressNotAvailable => new ListenerBindException($"{where}: address not available on this host", ListenerBindFailure.AddressNotAvailable, ex),

            // The message only describes the error to the operator; the kind was decided above.
            _ => new ListenerBindException($"{where}: {ex.Message}", ListenerBindFailure.Other, ex),
        };
    }

    private static bool NamesSocket(string path, int fileDescriptor) =>
        Interop.FileIdentity.OfPath(path) is { } named && Interop.FileIdentity.OfDescriptor(fileDescriptor) is { } held && named.SameFileAs(held);

    private void RemoveStaleUnixSocket(string path)
    {
        // A socket file left by a previous run makes bind(2) fail with EADDRINUSE. Remove it only if
        // nobody answers on it, so a second running instance is not robbed of its socket.
        if (ChatDaemon.Interop.LibC.FileType(path) != ChatDaemon.Interop.LibC.S_IFSOCK)
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(path);
            NetworkingLog.StaleUnixSocketRemoved(logger, path);
        }
        catch (SocketException)
        {
            // No permission, say: let bind report it.
        }
    }

    private async Task AcceptLoopAsync(BoundListener listener, Func<ConnectionContext, ListenEndpoint, Task> onAccepted)
    {
        // Leave the caller's context: the loop runs for the life of the listener.
        await Task.Yield();
        while (true)
        {
            ConnectionContext? connection;
            try
            {
                connection = await listener.Listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                // EMFILE/ENFILE and the like: log, back off briefly, keep the listener.
                NetworkingLog.AcceptFailed(logger, listener.BoundAddress, ex);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }

            if (connection is null)
            {
                return; // unbound
            }

            _ = onAccepted(connection, listener.Endpoint);
        }
    }

    private async Task UnbindAsync(BoundListener listener)
    {
        try
        {
            await listener.Listener.UnbindAsync().ConfigureAwait(false);
            await listener.Listener.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Already gone.
        }

        NetworkingLog.ListenerUnbound(logger, ListenEndpoint.ListenerName(listener.Endpoint.Protocol, listener.Endpoint.Tls), listener.BoundAddress);
    }
}
