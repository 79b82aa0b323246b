using StackExchange.Redis;

namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// One room as the Redis backplane sees it: its channel, the numbering of what this instance publishes to it,
/// the ordered subscription while local members are in it, and the last number seen from each other instance.
/// A room that closes and opens again gets a fresh one (numbering restarts at 1, which receivers recognise).
/// </summary>
internal sealed class RedisRoomChannel(string room, RedisChannel channel)
{
    /// <summary>The room's name as first seen here (for logs); the channel is named after its lower-case form.</summary>
    public string Room { get; } = room;

    public RedisChannel Channel { get; } = channel;

    /// <summary>
    /// Held while a number is taken and the message handed to the connection, so that numbers go out in order
    /// even when members on different threads speak at once (the receivers' gap check relies on it).
    /// </summary>
    public object PublishGate { get; } = new();

    /// <summary>The last number given to a message published to this room (under <see cref="PublishGate"/>).</summary>
    public long Sequence { get; set; }

    /// <summary>The ordered subscription; null until it is made (or while the broker is unreachable).</summary>
    public ChannelMessageQueue? Subscription { get; set; }

    /// <summary>
    /// The last number received from each other instance. Only the subscription's handler touches it, and the
    /// ordered queue runs that one message at a time.
    /// </summary>
    public Dictionary<string, long> LastSeen { get; } = new(StringComparer.Ordinal);
}
