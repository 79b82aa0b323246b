using System.Collections.Concurrent;
using ChatDaemon.Logging.Syslog;

namespace ChatDaemon.Tests.Logging;

// An in-memory syslog receiver that can be switched off and on.
internal sealed class FakeSyslogTransport : ISyslogTransport
{
    private volatile bool _up;
    private bool _connected;

    public FakeSyslogTransport(bool up) => _up = up;

    public ConcurrentQueue<byte[]> Received { get; } = new();

    public string Endpoint => "fake://receiver";

    public bool IsStream => true;

    public bool IsConnected => _connected;

    public void SetUp(bool up) => _up = up;

    public ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        if (!_up)
        {
            throw new IOException("receiver is down");
        }

        _connected = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!_up)
        {
            throw new IOException("connection reset");
        }

        Received.Enqueue(payload.ToArray());
        return ValueTask.CompletedTask;
    }

    public void Disconnect() => _connected = false;

    public void Dispose()
    {
    }
}
