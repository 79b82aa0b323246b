using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ChatDaemon.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace ChatDaemon.Networking;

/// <summary>
/// One accepted connection over the transport's pipes, with a single, idempotent shutdown:
/// the first <see cref="ShutdownReason"/> recorded is the one reported, whoever closes first.
/// </summary>
public sealed class ClientConnection
{
    private readonly ConnectionContext _context;
    private readonly IConnectionSendFeature? _send;
    private int _reason = -1;
    private int _outputCompleted;

    public ClientConnection(ConnectionContext context, ListenerProtocol protocol)
    {
        _context = context;
        Protocol = protocol;
        _send = context.Features.Get<IConnectionSendFeature>();
        RemoteAddress = context.RemoteEndPoint switch
        {
            IPEndPoint ip => ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address,
            _ => null,
        };
    }

    public string Id => _context.ConnectionId;

    /// <summary>The transport's connection, for its features (socket options, handover).</summary>
    internal ConnectionContext Context => _context;

    public ListenerProtocol Protocol { get; }

    /// <summary>Served over TLS: its bytes on the wire are TLS records, so it cannot be kept or handed to another process.</summary>
    public bool IsTls => _context is TlsConnectionContext;

    public EndPoint? RemoteEndPoint => _context.RemoteEndPoint;

    /// <summary>The peer's IP address; null for unix sockets, which are not limited per address.</summary>
    public IPAddress? RemoteAddress { get; }

    public PipeReader Input => _context.Transport.Input;

    public PipeWriter Output => _context.Transport.Output;

    /// <summary>
    /// Sends all of <paramref name="data"/>; false once the output is closed. A transport with a send path of
    /// its own (<see cref="IConnectionSendFeature"/>: the epoll transport) sends from the caller's thread;
    /// any other goes through its output pipe, which it owns: nothing writes to its socket past it.
    /// A caller uses either this or <see cref="Output"/>, never both.
    /// </summary>
    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data) => _send is not null ? _send.SendAsync(data) : WriteToOutputAsync(data);

    private async ValueTask<bool> WriteToOutputAsync(ReadOnlyMemory<byte> data)
    {
        if (Volatile.Read(ref _outputCompleted) != 0)
        {
            return false;
        }

        try
        {
            var flush = await Output.WriteAsync(data).ConfigureAwait(false);
            return !(flush.IsCompleted || flush.IsCanceled);
        }
        catch (InvalidOperationException) when (Volatile.Read(ref _outputCompleted) != 0)
        {
            // A send from another thread (a room's fan-out) raced CloseAsync, which completed the writer:
            // the pipe's InvalidOperationException then means "closed", which this method reports as false.
            return false;
        }
    }

    /// <summary>
    /// True once the peer reset the connection or it failed, asked of the kernel (see <see cref="SocketProbe"/>);
    /// a peer that only half-closed is not gone. For a reader that is not reading (a throttled client) and so
    /// would not see the end of its input. False where there is no socket.
    /// </summary>
    public bool IsPeerGone => Socket is { } socket && SocketProbe.IsPeerGone(socket);

    /// <summary>True while the kernel has room for more output to this client now; false where there is no socket.</summary>
    public bool CanSendNow => Socket is { } socket && SocketProbe.CanSend(socket);

    // Looked up when asked (rarely: a throttled or backed-up client) rather than held by every connection.
    private Socket? Socket => _context.Features.Get<IConnectionSocketFeature>()?.Socket;

    /// <summary>
    /// Runs <paramref name="work"/> once this connection's event loop has handled its current round of events
    /// when called on that loop (<see cref="IDeferredWorkFeature"/>); on the thread pool otherwise.
    /// </summary>
    public void RunAfterCurrentEvents(IThreadPoolWorkItem work)
    {
        if (_context.Features.Get<IDeferredWorkFeature>()?.TryRunAfterCurrentEvents(work) != true)
        {
            ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
        }
    }

    /// <summary>
    /// Ends the pending read of <see cref="Input"/>, or makes the next one end at once, with a canceled result
    /// (the server stops reading). Harmless on a connection that closed meanwhile.
    /// </summary>
    public void CancelPendingRead()
    {
        try
        {
            Input.CancelPendingRead();
        }
        catch (Exception ex) when (ConnectionErrorClassifier.Classify(ex) != ConnectionErrorKind.Unexpected)
        {
            // Closed meanwhile: nothing left to stop. (This runs inside the server's stop; it must not throw there.)
        }
    }

    /// <summary>Fires when the transport closed (peer gone or aborted).</summary>
    public CancellationToken Closed => _context.ConnectionClosed;

    /// <summary>The reason recorded by the first shutdown, if any.</summary>
    public ShutdownReason? Reason => _reason < 0 ? null : (ShutdownReason)Volatile.Read(ref _reason);

    /// <summary>Records <paramref name="reason"/> if none was; true for the first caller.</summary>
    public bool TrySetReason(ShutdownReason reason) => Interlocked.CompareExchange(ref _reason, (int)reason, -1) == -1;

    /// <summary>Closes at once, discarding unsent output (slow client, drain timeout, fault).</summary>
    public void Abort(ShutdownReason reason)
    {
        if (TrySetReason(reason))
        {
            _context.Abort(new ConnectionAbortedException(reason.ToString()));
        }
    }

    /// <summary>Closes after the output already written has been sent; safe to call more than once.</summary>
    public async ValueTask CloseAsync(ShutdownReason reason)
    {
        TrySetReason(reason);

        // Set before anything is completed: a write that fails from here on failed because of this close.
        Volatile.Write(ref _outputCompleted, 1);
        await Input.CompleteAsync().ConfigureAwait(false);
        if (_send is null)
        {
            // A transport with a send path of its own completes whatever output was used when disposed.
            await Output.CompleteAsync().ConfigureAwait(false);
        }

        // Disposing waits for the transport to send what is left and to release its buffers.
        await _context.DisposeAsync().ConfigureAwait(false);
    }
}
