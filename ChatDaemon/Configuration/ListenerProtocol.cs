namespace ChatDaemon.Configuration;

/// <summary>The protocol a listener speaks.</summary>
public enum ListenerProtocol
{
    Chat,
    Echo,
}
