namespace ChatDaemon.Chat;

public enum ChatCommandKind
{
    /// <summary>Not a command: text for the room.</summary>
    Message,
    Nick,
    Join,
    Who,
    Rooms,
    Msg,
    Me,
    Quit,
    Help,
    Unknown,
}
