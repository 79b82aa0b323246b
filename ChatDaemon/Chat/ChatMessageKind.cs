namespace ChatDaemon.Chat;

/// <summary>What a <see cref="ChatMessage"/> says happened; each protocol words it its own way.</summary>
public enum ChatMessageKind
{
    /// <summary>Lines of text from <see cref="ChatMessage.From"/> to a room (one or more, in order).</summary>
    Say,

    /// <summary>An action ("/me waves", IRC's CTCP ACTION).</summary>
    Action,

    /// <summary><see cref="ChatMessage.From"/> joined <see cref="ChatMessage.Room"/>.</summary>
    Joined,

    /// <summary><see cref="ChatMessage.From"/> left <see cref="ChatMessage.Room"/>; <see cref="ChatMessage.Detail"/> is the reason, if any.</summary>
    Left,

    /// <summary><see cref="ChatMessage.From"/> is now known as <see cref="ChatMessage.Detail"/>.</summary>
    NickChanged,

    /// <summary>Text from <see cref="ChatMessage.From"/> to one member, not a room.</summary>
    Private,
}
