namespace ChatDaemon.Chat;

/// <summary>What a backplane call that waits for the broker came to (<see cref="IChatBackplane"/>).</summary>
public enum BackplaneAnswer
{
    /// <summary>Done: the nick is claimed, the message is on its way.</summary>
    Yes,

    /// <summary>Refused: another instance holds the nick, nobody has the nick the message is for.</summary>
    No,

    /// <summary>The broker is unreachable now: nothing could be asked of the other instances.</summary>
    Unavailable,
}
