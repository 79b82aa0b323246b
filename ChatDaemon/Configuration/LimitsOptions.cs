namespace ChatDaemon.Configuration;

/// <summary>
/// Per-client and server-wide limits (section <c>Limits</c>). Every limit can be switched off with 0,
/// for benchmarks and trusted networks. All of them can be changed by a reload; connection limits
/// apply to new connections, the others immediately.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>Longest accepted chat line in bytes, without its line ending. Longer lines are discarded with an error.</summary>
    public int MaxLineBytes { get; set; } = 4096;

    /// <summary>
    /// Bytes that may wait for one client. A client is disconnected as slow when more than this has waited for it
    /// for longer than <see cref="SlowClientSeconds"/> and its socket takes no more.
    /// </summary>
    public int SendQueueBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How long more than <see cref="SendQueueBytes"/> may wait for a client before it counts as slow (if its
    /// socket is full then). A prompt reader handed a burst faster than it could be scheduled catches up within
    /// milliseconds; one that does not read is cut off after this. 0: as soon as the bytes pass the limit.
    /// </summary>
    public double SlowClientSeconds { get; set; } = 2;

    /// <summary>Sustained chat lines per second per client; above it the server stops reading from that client.</summary>
    public double LinesPerSecond { get; set; } = 10;

    /// <summary>Lines a client may send at once before <see cref="LinesPerSecond"/> applies.</summary>
    public int LineBurst { get; set; } = 20;

    /// <summary>Connections in all (chat and echo).</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Connections from one remote address.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 32;

    /// <summary>Idle seconds before TCP keepalive probes start (tcp(7) TCP_KEEPIDLE); 0 turns keepalive off.</summary>
    public int KeepAliveSeconds { get; set; } = 60;
}
