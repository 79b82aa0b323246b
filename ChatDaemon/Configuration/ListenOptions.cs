namespace ChatDaemon.Configuration;

/// <summary>
/// Which listeners to bind (configuration key <c>Listen</c>, a list of <c>PROTOCOL=ENDPOINT</c>,
/// or repeated <c>--listen</c> on the command line, which replaces the list).
/// A reload adds and removes listeners without touching existing connections.
/// Ignored when systemd passes sockets (socket activation).
/// </summary>
public sealed class ListenOptions
{
    /// <summary>Empty means the defaults: chat on 127.0.0.1:2323 and echo on 127.0.0.1:2307 (loopback only).</summary>
    public List<string> Listen { get; set; } = new();

    /// <summary>The TLS listeners' certificate (section <c>Tls</c>, bound with the listeners it serves).</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>The parsed listeners; assumes the options were validated.</summary>
    public IReadOnlyList<ListenEndpoint> Endpoints()
    {
        if (Listen.Count == 0)
        {
            return [ListenEndpoint.DefaultChat, ListenEndpoint.DefaultEcho];
        }

        var result = new List<ListenEndpoint>(Listen.Count);
        foreach (string text in Listen)
        {
            if (ListenEndpoint.TryParse(text, out var endpoint, out string error))
            {
                result.Add(endpoint);
            }
            else
            {
                throw new InvalidOperationException(error);
            }
        }

        return result;
    }
}
