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
    // A set (the byte value means nothing and keeps each node small): what a stop that runs out of time aborts.
    private readonly ConcurrentDictionary<ClientConnection, byte> _connections = new();
    private readonly ConnectionCountdown _reading = new();
    private readonly ConnectionCountdown _open = new();
    private readonly CancellationTokenSource _stopReading = new();
    private readonly TaskCompletionSource _readersStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LogRateLimiter _refusalLog = new(perSecond: 5, burst: 10);
    private long _accepted;

    public ConnectionServer(
        ListenerSet listeners,
        IConnectionAdopter adopter,
        ConnectionAdmission admission,
        IServiceProvider services,
        IOptionsMonitor<LimitsOptions> limits,
        IOptionsMonitor<ShutdownOptions> shutdown,
        ILogger<ConnectionServer> logger)
    {
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

        // Stage 3: nobody produces messages any more: tell the clients and deliver what is queued.
        _readersStopped.TrySetResult();
        var all = _open.WhenNoneLeft();
        await Task.WhenAny(all, deadline).ConfigureAwait(false);

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
        if (_stopReading.IsCancellationRequested)
        {
            throw new InvalidOperationException("the server is stopping; it adopts no connection");
        }

        var context = _adopter.Adopt(connected);
        return ServeAsync(context, protocol, savedState);
    }

    private Task OnAcceptedAsync(ConnectionContext context, ListenEndpoint endpoint) =>
        ServeAsync(context, endpoint.Protocol, ReadOnlyMemory<byte>.Empty);

    private async Task ServeAsync(ConnectionContext context, ListenerProtocol protocol, ReadOnlyMemory<byte> savedState)
    {
        var connection = new ClientConnection(context, protocol);
        var handler = _handlers[(int)protocol];
        Interlocked.Increment(ref _accepted);

        var admission = _admission.TryAdmit(connection.RemoteAddress);
        if (admission != AdmissionResult.Admitted)
        {
            await RefuseAsync(connection, handler, admission).ConfigureAwait(false);
            return;
        }

        _open.Enter();
        _reading.Enter();
        _connections[connection] = 0;
        NetworkingLog.ConnectionOpened(LoggerFor(connection), ListenEndpoint.ProtocolName(protocol), connection.RemoteEndPoint);
        try
        {
            ProtocolSession session;
            ShutdownReason reason;
            try
            {
                ConfigureKeepAlive(connection, context);
                session = savedState.IsEmpty ? handler.CreateSession(connection) : handler.ResumeSession(connection, savedState);
                reason = await session.RunAsync(_stopReading.Token).ConfigureAwait(false);
            }
            finally
            {
                _reading.Leave();
            }

            if (reason == ShutdownReason.ServerStopping)
            {
                await _readersStopped.Task.ConfigureAwait(false);
                await session.FinishAsync().ConfigureAwait(false);
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
            await CloseQuietlyAsync(connection, ShutdownReason.ClientClosed).ConfigureAwait(false);
            _connections.TryRemove(connection, out _);
            _admission.Release(connection.RemoteAddress);
            NetworkingLog.ConnectionClosed(LoggerFor(connection), connection.RemoteEndPoint, connection.Reason ?? ShutdownReason.ClientClosed);
            _open.Leave();
        }
    }

    private async Task RefuseAsync(ClientConnection connection, IConnectionHandler handler, AdmissionResult admission)
    {
        var reason = admission == AdmissionResult.ServerFull ? ShutdownReason.ServerFull : ShutdownReason.TooManyFromAddress;
        if (_refusalLog.TryEnter(out long suppressed))
        {
            NetworkingLog.ConnectionRefused(LoggerFor(connection), connection.RemoteEndPoint, reason, suppressed);
        }

        try
        {
            await handler.RefuseAsync(connection, reason).ConfigureAwait(false);
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
        base.Dispose();
    }
}
