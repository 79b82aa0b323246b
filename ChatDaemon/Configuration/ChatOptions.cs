namespace ChatDaemon.Configuration;

/// <summary>Chat behaviour (section <c>Chat</c>). Changes apply on reload to clients that connect afterwards.</summary>
public sealed class ChatOptions
{
    /// <summary>Message of the day sent to every new chat client; may have several lines. Empty sends none.</summary>
    public string Motd { get; set; } = "Welcome to ChatDaemon. Type /help for commands.";

    /// <summary>The room a new client starts in.</summary>
    public string DefaultRoom { get; set; } = "lobby";
}
