namespace ChatDaemon.Logging.Syslog;

// One connection to a syslog receiver. Only the sink's background task uses it, so it needs no
// locking; failures surface as exceptions and the sink reconnects.
internal interface ISyslogTransport : IDisposable
{
    // A description of the receiver for diagnostics, e.g. tcp://127.0.0.1:514.
    string Endpoint { get; }

    // True for stream transports, whose messages need framing.
    bool IsStream { get; }

    bool IsConnected { get; }

    ValueTask ConnectAsync(CancellationToken cancellationToken);

    ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    void Disconnect();
}
