namespace ChatDaemon.Configuration;

/// <summary>Chat behaviour (section <c>Chat</c>). Changes apply on reload to clients that connect afterwards.</summary>
public sealed class ChatOptions
{
    /// <summary>Message of the day sent to every new chat client; may have several lines. Empty sends none.</summary>
    public string Motd { get; set; } = "Welcome to ChatDaemon. Type /help for commands.";

    /// <summary>
    /// The one line a client kept across a restart or a crash is told once it is served again (README
    /// "Restarts"); empty tells it nothing. One line, at most 400 bytes.
    /// </summary>
    public string RestartNotice { get; set; } = "server restarted";

    /// <summary>The room a new client starts in.</summary>
    public string DefaultRoom { get; set; } = "lobby";

    /// <summary>
    /// Joins and leaves are announced in rooms of at most this many members; larger rooms stay quiet
    /// about them (IRC servers call it "auditorium" mode), because announcing every arrival to every
    /// member makes filling a room of N cost N²/2 notices. 0 (the default) always announces.
    /// </summary>
    public int AnnounceMembershipUpTo { get; set; }
}
