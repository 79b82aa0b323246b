using System.IO.Pipelines;
using System.Net;
using ChatDaemon.Configuration;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Networking;

/// <summary>
/// One accepted connection over the transport's pipes, with a single, idempotent shutdown:
/// the first <see cref="ShutdownReason"/> recorded is the one reported, whoever closes first.
/// </summary>
public sealed class ClientConnection
{
    private readonly ConnectionContext _context;
    private int _reason = -1;

    public ClientConnection(ConnectionContext context, ListenerProtocol protocol)
    {
        _context = context;
        Protocol = protocol;
        RemoteAddress = context.RemoteEndPoint switch
        {
            IPEndPoint ip => ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address,
            _ => null,
        };
    }

    public string Id => _context.ConnectionId;

    public ListenerProtocol Protocol { get; }

    public EndPoint? RemoteEndPoint => _context.RemoteEndPoint;

    /// <summary>The peer's IP address; null for unix sockets, which are not limited per address.</summary>
    public IPAddress? RemoteAddress { get; }

    public PipeReader Input => _context.Transport.Input;

    public PipeWriter Output => _context.Transport.Output;

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
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);

        // Disposing waits for the transport to send what is left and to release its buffers.
        await _context.DisposeAsync().ConfigureAwait(false);
    }
}
