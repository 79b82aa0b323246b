using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ChatDaemon.Networking;

/// <summary>
/// A connection after its TLS handshake: its pipes carry plaintext through an <see cref="SslStream"/> over the
/// transport's connection. Of the transport's features it keeps the socket (keepalive, peer checks) and deferred
/// work; not its own send path (the bytes on the wire are TLS records) and not handover: the TLS session's keys
/// live in this process, so the connection cannot be handed to the next one (a restart disconnects TLS clients,
/// telling them, like any stop).
/// </summary>
internal sealed class TlsConnectionContext : ConnectionContext
{
    private readonly ConnectionContext _inner;
    private readonly SslStream _tls;
    private int _disposed;

    public TlsConnectionContext(ConnectionContext inner, SslStream tls)
    {
        _inner = inner;
        _tls = tls;
        Transport = new DuplexPipe(
            PipeReader.Create(tls, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true)),
            PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true)));
        var features = new FeatureCollection();
        features.Set(inner.Features.Get<IConnectionSocketFeature>());
        features.Set(inner.Features.Get<IDeferredWorkFeature>());
        Features = features;
    }

    /// <summary>The negotiated protocol version (TLS 1.2 or 1.3).</summary>
    public System.Security.Authentication.SslProtocols Protocol => _tls.SslProtocol;

    public override string ConnectionId
    {
        get => _inner.ConnectionId;
        set => _inner.ConnectionId = value;
    }

    public override IFeatureCollection Features { get; }

    public override IDictionary<object, object?> Items
    {
        get => _inner.Items;
        set => _inner.Items = value;
    }

    public override IDuplexPipe Transport { get; set; }

    public override EndPoint? LocalEndPoint
    {
        get => _inner.LocalEndPoint;
        set => _inner.LocalEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _inner.RemoteEndPoint;
        set => _inner.RemoteEndPoint = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get => _inner.ConnectionClosed;
        set => _inner.ConnectionClosed = value;
    }

    public override void Abort(ConnectionAbortedException abortReason) => _inner.Abort(abortReason);

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await base.DisposeAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            // close_notify (RFC 8446 section 6.1): the client learns the close was meant, not a truncation.
            await _tls.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ConnectionErrorClassifier.Classify(ex) != ConnectionErrorKind.Unexpected || ex is InvalidOperationException)
        {
            // Gone or aborted already: nothing to tell it.
        }

        await _tls.DisposeAsync().ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
