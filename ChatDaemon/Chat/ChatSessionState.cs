namespace ChatDaemon.Chat;

/// <summary>
/// What the server knows of a chat client, as plain data: enough to restore the session for a
/// socket that survives a restart (a later feature), so it holds no references to live objects.
/// </summary>
public sealed class ChatSessionState
{
    public required string Nick { get; set; }

    public required string Room { get; set; }

    /// <summary>Lines this client sent to its room.</summary>
    public long LinesSent { get; set; }
}
