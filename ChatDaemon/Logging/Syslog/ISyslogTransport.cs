namespace ChatDaemon.Logging.Syslog;

/// <summary>
/// One connection to a syslog receiver. Only the sink's background task uses it, so it needs no
/// locking; failures surface as exceptions and the sink reconnects.
/// </summary>
internal interface ISyslogTransport : IDisposable
{
    /// <summary>A description of the receiver for diagnostics, e.g. <c>tcp://127.0.0.1:514</c>.</summary>
    string Endpoint { get; }

    /// <summary>True for stream transports, whose messages need framing.</summary>
    bool IsStream { get; }

    bool IsConnected { get; }

    ValueTask ConnectAsync(CancellationToken cancellationToken);

    ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    void Disconnect();
}
