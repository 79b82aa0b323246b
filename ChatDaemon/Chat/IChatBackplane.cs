namespace ChatDaemon.Chat;

/// <summary>
/// Joins ChatDaemon instances that share a broker into one chat: room traffic, nicks (unique across instances),
/// private messages and who is where. The chat core owns this contract and knows no broker: an implementation
/// (Redis today, NATS later) lives outside Chat.
/// </summary>
/// <remarks>
/// Two kinds of calls. Most come from the chat's own threads (event loops, the thread pool) and must not block
/// them: a broker that is slow or gone costs the local chat nothing. Those marked "waits for the broker" make a
/// round trip: they are asynchronous, awaited off the event loops (a command's continuation, while its client
/// waits); they answer at once, with <see cref="BackplaneAnswer.Unavailable"/> or null, while the broker is unreachable.
/// </remarks>
public interface IChatBackplane
{
    /// <summary>Called once by the hub that owns the backplane: where messages and nick conflicts from other instances go.</summary>
    void Attach(ChatHub hub);

    /// <summary>
    /// Sends <paramref name="message"/>, said or done by a local member in the room <see cref="ChatMessage.Room"/>,
    /// to the other instances; local delivery does not wait for it. Called in the order the room's local members acted.
    /// </summary>
    void Publish(ChatMessage message);

    /// <summary>
    /// Sends one event a local member's roommates are told in each of several rooms (a nick change, a quit), one
    /// message per room, so that a member of another instance who shares several of them hears it once
    /// (<see cref="ChatHub.DeliverOnceFromBackplane"/>).
    /// </summary>
    void PublishOnce(IReadOnlyList<ChatMessage> perRoom);

    /// <summary>The room <paramref name="room"/> may just have got its first local member: listen to it.</summary>
    void RoomOpened(string room);

    /// <summary>The room <paramref name="room"/> may just have lost its last local member: stop listening to it.</summary>
    void RoomClosed(string room);

    /// <summary>Messages of local members that could not be sent to the other instances since start (the broker was unreachable).</summary>
    long MessagesNotCrossed { get; }

    /// <summary>
    /// Claims <paramref name="nick"/> for this instance across all of them, exactly one winner when several race.
    /// Waits for the broker. <see cref="BackplaneAnswer.Unavailable"/>: it was taken here only and is claimed
    /// again once the broker is back (a conflict then renames one side: <see cref="ChatHub.NickLost"/>).
    /// </summary>
    Task<BackplaneAnswer> ClaimNickAsync(string nick);

    /// <summary>
    /// <paramref name="nick"/> was taken here without asking (a guest nick, a restored member's): it is claimed in
    /// the background, and if another instance holds it the local member is renamed (<see cref="ChatHub.NickLost"/>).
    /// </summary>
    void NickTaken(string nick);

    /// <summary>A local member gave up <paramref name="nick"/> (left, or changed it): free it for every instance.</summary>
    void NickReleased(string nick);

    /// <summary>A number for a guest nick no other instance gives out; false while none is at hand (the hub numbers locally then).</summary>
    bool TryTakeGuestNumber(out long number);

    /// <summary>Local <paramref name="member"/> (with its nick) is now in <paramref name="room"/> (what other instances' room listings show).</summary>
    void MemberJoined(string room, ChatMember member);

    /// <summary>Local member <paramref name="nick"/> is no longer in <paramref name="room"/>.</summary>
    void MemberLeft(string room, string nick);

    /// <summary>
    /// Delivers <paramref name="message"/>, addressed to the nick in <see cref="ChatMessage.Room"/> that no local
    /// member has, to the instance whose member has it. Waits for the broker.
    /// <see cref="BackplaneAnswer.No"/>: no instance has that nick.
    /// </summary>
    Task<BackplaneAnswer> SendToNickAsync(ChatMessage message);

    /// <summary>Other instances' members in <paramref name="room"/>; null while the broker is unreachable. Waits for the broker.</summary>
    Task<IReadOnlyList<RemoteMember>?> RemoteMembersAsync(string room);

    /// <summary>Of <paramref name="nicks"/>, those a member of another instance has; null while the broker is unreachable. Waits for the broker.</summary>
    Task<IReadOnlyList<string>?> NicksElsewhereAsync(IReadOnlyList<string> nicks);

    /// <summary>
    /// Other instances' rooms with how many of their members are in each (a room on several instances appears
    /// once per instance); null while the broker is unreachable. Waits for the broker.
    /// </summary>
    Task<IReadOnlyList<KeyValuePair<string, int>>?> RemoteRoomsAsync();

    /// <summary>One line on the state of the link to other instances, for the service status and the control socket.</summary>
    string Describe();
}
