namespace ChatDaemon.Chat;

/// <summary>
/// Carries room traffic between ChatDaemon instances that share a broker. The chat core owns this contract and
/// knows no broker: an implementation (Redis today, NATS later) lives outside Chat. Every call comes from the
/// chat's own threads (event loops, the thread pool) and must not block them: a broker that is slow or gone
/// costs the local chat nothing.
/// </summary>
public interface IChatBackplane
{
    /// <summary>Called once by the hub that owns the backplane: where messages from other instances go.</summary>
    void Attach(ChatHub hub);

    /// <summary>
    /// Sends <paramref name="message"/>, said or done by a local member in the room <see cref="ChatMessage.Room"/>,
    /// to the other instances; local delivery does not wait for it. Called in the order the room's local members acted.
    /// </summary>
    void Publish(ChatMessage message);

    /// <summary>The room <paramref name="room"/> may just have got its first local member: listen to it.</summary>
    void RoomOpened(string room);

    /// <summary>The room <paramref name="room"/> may just have lost its last local member: stop listening to it.</summary>
    void RoomClosed(string room);

    /// <summary>Messages of local members that could not be sent to the other instances since start (the broker was unreachable).</summary>
    long MessagesNotCrossed { get; }
}
