namespace ChatDaemon.Chat;

/// <summary>
/// Told of every change to a member's place in the chat (its nick, the rooms it is in) and of its departure,
/// synchronously on the thread that made it: whoever must outlive the process (the state kept across a crash)
/// writes it down.
/// </summary>
public interface IMemberObserver
{
    void Changed(ChatMember member);

    void Departed(ChatMember member);
}
