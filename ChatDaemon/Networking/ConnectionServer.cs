using System.Collections.Concurrent;
using System.Net.Sockets;
using ChatDaemon.Configuration;
using ChatDaemon.Logging;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Networking;

/// <summary>
/// The TCP/unix server: binds or adopts every listener in <see cref="StartAsync"/> (so "started" means
/// "listening"), accepts in <see cref="ExecuteAsync"/>, and stops in stages: stop accepting, stop
/// reading, let every session finish (tell clients, deliver what was accepted), abort what is left
/// when the drain timeout runs out.
/// </summary>
public sealed class ConnectionServer : BackgroundService
{
    private readonly ListenerSet _listeners;
    private readonly ConnectionAdmission _admission;
    private readonly IOptionsMonitor<LimitsOptions> _limits;
    private readonly IOptionsMonitor<ShutdownOptions> _shutdown;
    private readonly ILogger<ConnectionServer> _logger;
    private readonly IConnectionHandler[] _handlers;
    private readonly IConnectionAdopter _adopter;
    private readonly IConnectionKeeper? _keeper;
    // A set (the byte value means nothing and keeps each node small): what a stop that runs out of time aborts.
    private readonly ConcurrentDictionary<ClientConnection, byte> _connections = new();
    private readonly ConnectionCountdown _reading = new();
    private readonly ConnectionCountdown _open = new();
    private readonly CancellationTokenSource _stopReading = new();
    private readonly TaskCompletionSource _readersStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LogRateLimiter _refusalLog = new(perSecond: 5, burst: 10);
    private readonly TaskCompletionSource<IReadOnlyList<HandedOverConnection>> _handover = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _handoverGiveUp = new();
    private List<HandedOverConnection>? _handedOver; // set by HandOverOnStop: the stop then hands connections over
    private long _accepted;
    private readonly TlsAcceptor? _tls;

    public ConnectionServer(
        ListenerSet listeners,
        IConnectionAdopter adopter,
        ConnectionAdmission admission,
        IServiceProvider services,
        IOptionsMonitor<LimitsOptions> limits,
        IOptionsMonitor<ShutdownOptions> shutdown,
        ILogger<ConnectionServer> logger,
        TlsAcceptor? tls = null,
        IConnectionKeeper? keeper = null)
    {
        _keeper = keeper;
        _tls = tls;
        _listeners = listeners;
        _adopter = adopter;
        _admission = admission;
        _limits = limits;
        _shutdown = shutdown;
        _logger = logger;
        _handlers = Enum.GetValues<ListenerProtocol>()
            .Select(p => services.GetRequiredKeyedService<IConnectionHandler>(p))
            .ToArray();
    }

    /// <summary>Connections being served now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>Connections accepted since start (a progress counter for health checks).</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    public bool IsStopping => _stopReading.IsCancellationRequested;

    /// <summary>
    /// Makes the coming stop hand every connection it can to the next process instead of telling its client
    /// and closing it: reading stops, the transport stops taking bytes from the kernel, what is queued is let
    /// out until the drain timeout, then each session's state is saved and the socket let go of, open (see
    /// <see cref="HandedOver"/>). A connection whose transport cannot do that (Kestrel's) is closed as in any
    /// stop. Called before the host stops.
    /// </summary>
    public void HandOverOnStop() => Interlocked.CompareExchange(ref _handedOver, [], null);

    /// <summary>The connections the stop handed over, once it is done (empty when it handed over none).</summary>
    public Task<IReadOnlyList<HandedOverConnection>> HandedOver => _handover.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await _listeners.BindAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _listeners.StartAccepting(OnAcceptedAsync);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync does the work.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stage 1: stop accepting. Every accepted connection is registered by now.
        await _listeners.UnbindAllAsync().ConfigureAwait(false);
        NetworkingLog.StoppedAccepting(_logger);

        var timeout = _shutdown.CurrentValue.DrainTimeout;
        var deadline = Task.Delay(timeout, cancellationToken);
        NetworkingLog.DrainStarted(_logger, _connections.Count, timeout);

        // Stage 2: stop reading; each session still handles the lines it already read. The server, which knows
        // every connection, ends their pending reads; a session looks at the token before each read, which
        // covers one that was between reads. (One token registration per session instead would keep 80 bytes
        // alive per idle client: bench/ANALYSIS.md "Idle connections".)
        _stopReading.Cancel();
        foreach (var connection in _connections.Keys)
        {
            connection.CancelPendingRead();
        }

        await Task.WhenAny(_reading.WhenNoneLeft(), deadline).ConfigureAwait(false);

        // Stage 3: nobody produces messages any more: tell the clients and deliver what is queued (or, handing
        // over, deliver what is queued and save the rest with each session's state).
        _readersStopped.TrySetResult();
        var all = _open.WhenNoneLeft();
        await Task.WhenAny(all, deadline).ConfigureAwait(false);
        if (_handedOver is not null && !all.IsCompleted)
        {
            // Handing over, sessions save what is still queued: never abort a socket another process takes.
            await _handoverGiveUp.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
        }

        // Stage 4: abort what is left.
        if (!all.IsCompleted)
        {
            var left = _connections.Keys.ToList();
            NetworkingLog.DrainTimedOut(_logger, left.Count);
            foreach (var connection in left)
            {
                connection.Abort(ShutdownReason.DrainTimeout);
            }

            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
        }
        else
        {
            NetworkingLog.DrainCompleted(_logger);
        }

        if (_handedOver is { } handedOver)
        {
            lock (handedOver)
            {
                NetworkingLog.ConnectionsHandedOver(_logger, handedOver.Count);
                _handover.TrySetResult(handedOver.ToArray());
            }
        }
        else
        {
            _handover.TrySetResult([]);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Serves a connection another process accepted (handed over through systemd's file descriptor store or
    /// an exec) as if it had been accepted here: admitted against the same limits, and with the protocol's
    /// session resumed from <paramref name="savedState"/> (empty: a new session). The task ends when the
    /// connection is closed.
    /// </summary>
    public Task AdoptAsync(Socket connected, ListenerProtocol protocol, ReadOnlyMemory<byte> savedState)
    {
        ArgumentNullException.ThrowIfNull(connected);
        return Task.WhenAll(Adopt([new HandedOverConnection(connected, protocol, savedState.ToArray(), null)]));
    }

    /// <summary>
    /// Serves connections handed over together (<see cref="AdoptAsync"/> for each), in two steps: every resumed
    /// session takes its place first (<see cref="ProtocolSession.Rejoin"/>: a chat member's nick and rooms),
    /// then all start reading, so a line one of them carried over reaches every member handed over with it.
    /// One task per connection, ending when it is closed.
    /// </summary>
    public IReadOnlyList<Task> Adopt(IReadOnlyList<HandedOverConnection> connections)
    {
        ArgumentNullException.ThrowIfNull(connections);
        if (_stopReading.IsCancellationRequested)
        {
            throw new InvalidOperationException("the server is stopping; it adopts no connection");
        }

        var served = new List<Task>(connections.Count);
        var resumed = new List<(ClientConnection Connection, IConnectionHandler Handler, ProtocolSession Session)>(connections.Count);
        foreach (var handed in connections)
        {
            var connection = new ClientConnection(_adopter.Adopt(handed.Socket), handed.Protocol);
            var handler = _handlers[(int)handed.Protocol];
            Interlocked.Increment(ref _accepted);
            var admission = _admission.TryAdmit(connection.RemoteAddress);
            if (admission != AdmissionResult.Admitted)
            {
                served.Add(RefuseKeptAsync(connection, handler, admission, handed.KeptAs));
                continue;
            }

            // Kept under its name before it rejoins: what records its place knows it by that name.
            _keeper?.Keep(connection, handed.KeptAs);
            var session = handed.SavedState.Length == 0 ? handler.CreateSession(connection) : handler.ResumeSession(connection, handed.SavedState);
            session.Rejoin();
            resumed.Add((connection, handler, session));
        }

        foreach (var (connection, handler, session) in resumed)
        {
            served.Add(ServeAdmittedAsync(connection, handler, session, kept: true));
        }

        return served;
    }

    /// <summary>A refused adopted connection is let go of outside the process too, or its client never sees it close.</summary>
    private async Task RefuseKeptAsync(ClientConnection connection, IConnectionHandler handler, AdmissionResult admission, string? keptAs)
    {
        _keeper?.Keep(connection, keptAs);
        await RefuseAsync(connection, handler, admission).ConfigureAwait(false);
        _keeper?.Forget(connection);
    }

    private async Task OnAcceptedAsync(ConnectionContext context, ListenEndpoint endpoint)
    {
        var connection = new ClientConnection(context, endpoint.Protocol);
        var handler = _handlers[(int)endpoint.Protocol];
        Interlocked.Increment(ref _accepted);

        var admission = _admission.TryAdmit(connection.RemoteAddress);
        if (admission != AdmissionResult.Admitted)
        {
            // A TLS client cannot read a plaintext reason: it is only closed.
            await RefuseAsync(connection, endpoint.Tls ? null : handler, admission).ConfigureAwait(false);
            return;
        }

        if (endpoint.Tls)
        {
            // Admitted before the handshake, so a flood of handshakes is limited like any connections.
            var secured = _tls is null ? null : await _tls.AuthenticateAsync(context, _stopReading.Token).ConfigureAwait(false);
            if (secured is null)
            {
                await CloseQuietlyAsync(connection, ShutdownReason.ConnectionReset).ConfigureAwait(false);
                _admission.Release(connection.RemoteAddress);
                return;
            }

            connection = new ClientConnection(secured, endpoint.Protocol);
        }

        await ServeAdmittedAsync(connection, handler, session: null, kept: false).ConfigureAwait(false);
    }

    /// <summary>Serves an admitted connection with <paramref name="session"/>, or a new session of its protocol.</summary>
    private async Task ServeAdmittedAsync(ClientConnection connection, IConnectionHandler handler, ProtocolSession? session, bool kept)
    {
        var context = connection.Context;
        var protocol = connection.Protocol;
        _open.Enter();
        _reading.Enter();
        _connections[connection] = 0;
        if (!kept && !connection.IsTls)
        {
            _keeper?.Keep(connection, null);
        }

        NetworkingLog.ConnectionOpened(LoggerFor(connection), ListenEndpoint.ProtocolName(protocol), connection.RemoteEndPoint);
        try
        {
            ShutdownReason reason;
            try
            {
                ConfigureKeepAlive(connection, context);
                session ??= handler.CreateSession(connection);
                reason = await session.RunAsync(_stopReading.Token).ConfigureAwait(false);
            }
            finally
            {
                _reading.Leave();
            }

            if (reason == ShutdownReason.ServerStopping)
            {
                // Handing over, the transport stops taking bytes at once: the next process reads them.
                var handover = Volatile.Read(ref _handedOver) is not null ? context.Features.Get<IConnectionHandoverFeature>() : null;
                handover?.StopReceiving();
                await _readersStopped.Task.ConfigureAwait(false);
                if (handover is not null)
                {
                    byte[]? state = await session.HandOverAsync(_handoverGiveUp.Token).ConfigureAwait(false);
                    var socket = handover.Release();
                    var handedOver = _handedOver!;
                    lock (handedOver)
                    {
                        handedOver.Add(new HandedOverConnection(socket, protocol, state ?? [], connection.RemoteEndPoint, _keeper?.NameOf(connection)));
                    }

                    reason = ShutdownReason.HandedOver;
                }
                else
                {
                    await session.FinishAsync().ConfigureAwait(false);
                }
            }

            connection.TrySetReason(reason);
        }
        catch (Exception ex)
        {
            switch (ConnectionErrorClassifier.Classify(ex))
            {
                case ConnectionErrorKind.Reset:
                    connection.Abort(ShutdownReason.ConnectionReset);
                    break;
                case ConnectionErrorKind.Aborted:
                    connection.Abort(_stopReading.IsCancellationRequested ? ShutdownReason.ServerStopping : ShutdownReason.ConnectionReset);
                    break;
                default:
                    NetworkingLog.ConnectionFailed(LoggerFor(connection), connection.RemoteEndPoint, ex);
                    connection.Abort(ShutdownReason.UnexpectedError);
                    break;
            }
        }
        finally
        {
            if (connection.Reason != ShutdownReason.HandedOver)
            {
                await CloseQuietlyAsync(connection, ShutdownReason.ClientClosed).ConfigureAwait(false);
                _keeper?.Forget(connection);
            }

            _connections.TryRemove(connection, out _);
            _admission.Release(connection.RemoteAddress);
            NetworkingLog.ConnectionClosed(LoggerFor(connection), connection.RemoteEndPoint, connection.Reason ?? ShutdownReason.ClientClosed);
            _open.Leave();
        }
    }

    private async Task RefuseAsync(ClientConnection connection, IConnectionHandler? handler, AdmissionResult admission)
    {
        var reason = admission == AdmissionResult.ServerFull ? ShutdownReason.ServerFull : ShutdownReason.TooManyFromAddress;
        if (_refusalLog.TryEnter(out long suppressed))
        {
            NetworkingLog.ConnectionRefused(LoggerFor(connection), connection.RemoteEndPoint, reason, suppressed);
        }

        try
        {
            if (handler is not null)
            {
                await handler.RefuseAsync(connection, reason).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ConnectionErrorClassifier.Classify(ex) != ConnectionErrorKind.Unexpected)
        {
            // The client is gone already; nothing to tell.
        }

        await CloseQuietlyAsync(connection, reason).ConfigureAwait(false);
    }

    private static async Task CloseQuietlyAsync(ClientConnection connection, ShutdownReason reason)
    {
        try
        {
            await connection.CloseAsync(reason).ConfigureAwait(false);
        }
        catch (Exception ex) when (ConnectionErrorClassifier.Classify(ex) != ConnectionErrorKind.Unexpected)
        {
            // Closing a connection that broke: nothing left to do.
        }
    }

    private void ConfigureKeepAlive(ClientConnection connection, ConnectionContext context)
    {
        int idle = _limits.CurrentValue.KeepAliveSeconds;
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (idle <= 0 || socket is null || socket.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return;
        }

        try
        {
            // tcp(7): probe after `idle` seconds of silence, every 10 s, give up after 6 unanswered probes.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, idle);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 6);
        }
        catch (SocketException ex)
        {
            NetworkingLog.SocketOptionFailed(LoggerFor(connection), ex);
        }
    }

    // Made per event rather than held: a connection keeps no logging state while it is idle (see ConnectionLogger).
    private ConnectionLogger LoggerFor(ClientConnection connection) => new(_logger, connection);

    public override void Dispose()
    {
        _stopReading.Dispose();
        _handoverGiveUp.Dispose();
        base.Dispose();
    }
}
