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

    /// <summary><see cref="ChatMessage.From"/> left <see cref="ChatMessage.Room"/> and stays in the chat (IRC's PART); <see cref="ChatMessage.Detail"/> is the reason, if any.</summary>
    Left,

    /// <summary>
    /// <see cref="ChatMessage.From"/> left the chat on its own word (a quit command); <see cref="ChatMessage.Detail"/>
    /// is its reason, if any. Told once to each member who shared a room with it; <see cref="ChatMessage.Room"/> is
    /// the first room they shared.
    /// </summary>
    Quit,

    /// <summary>
    /// <see cref="ChatMessage.From"/>'s connection ended without a quit (closed, reset, dropped as slow);
    /// <see cref="ChatMessage.Detail"/> says how. Told like <see cref="Quit"/>.
    /// </summary>
    Disconnected,

    /// <summary><see cref="ChatMessage.From"/> is now known as <see cref="ChatMessage.Detail"/>.</summary>
    NickChanged,

    /// <summary>Text from <see cref="ChatMessage.From"/> to one member, not a room.</summary>
    Private,

    /// <summary>An action addressed to one member (IRC's CTCP ACTION in a private message).</summary>
    PrivateAction,

    /// <summary>A notice to a room: text that asks for no reply (IRC's NOTICE; never answered automatically).</summary>
    Notice,

    /// <summary>A notice to one member.</summary>
    PrivateNotice,

    /// <summary><see cref="ChatMessage.From"/> set the topic of <see cref="ChatMessage.Room"/> to <see cref="ChatMessage.Text"/> (empty: cleared).</summary>
    TopicChanged,

    /// <summary>
    /// <see cref="ChatMessage.From"/> invites one member to <see cref="ChatMessage.Room"/>; <see cref="ChatMessage.Detail"/>
    /// is the invited member's nick (IRC's INVITE).
    /// </summary>
    Invited,

    /// <summary>
    /// Text from the server itself to the members of <see cref="ChatMessage.Room"/> (no sender): what happened to
    /// the chat, such as the link to other instances going down. Never crosses to other instances.
    /// </summary>
    ServerNotice,

    /// <summary>Text from the server itself to one member, whose nick is <see cref="ChatMessage.Room"/>. Never crosses.</summary>
    ServerNoticeToMember,
}
