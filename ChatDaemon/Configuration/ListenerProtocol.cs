namespace ChatDaemon.Configuration;

/// <summary>The protocol a listener speaks.</summary>
public enum ListenerProtocol
{
    /// <summary>The line protocol (README "Chat protocol").</summary>
    Chat,

    /// <summary>RFC 862 echo.</summary>
    Echo,

    /// <summary>The IRC client protocol (RFC 1459/2812) on the same rooms as the line protocol.</summary>
    Irc,
}
