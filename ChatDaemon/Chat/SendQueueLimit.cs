namespace ChatDaemon.Chat;

/// <summary>
/// When a client counts as slow: more than <see cref="Bytes"/> have waited for it, without a break, for longer
/// than <see cref="Grace"/>, and its socket takes no more. The time is what tells a client that does not read
/// from one that reads promptly but was handed a burst faster than it could be scheduled: a server that accepts
/// a room's burst in a millisecond can queue any number of bytes for a prompt reader before it runs (issue 11).
/// </summary>
/// <param name="Bytes">0: no limit.</param>
/// <param name="Grace">Zero: slow as soon as the bytes are over the limit and the socket is full.</param>
public readonly record struct SendQueueLimit(int Bytes, TimeSpan Grace)
{
    /// <summary>No limit at all.</summary>
    public static SendQueueLimit None => default;
}
