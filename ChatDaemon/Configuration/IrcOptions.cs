namespace ChatDaemon.Configuration;

/// <summary>The IRC listeners' server identity (section <c>Irc</c>). Changes apply on reload to clients that register afterwards.</summary>
public sealed class IrcOptions
{
    /// <summary>
    /// The server's name in every reply's prefix and in the welcome (RFC 2812 section 2.3.1: a host name). It
    /// holds a '.', so that a client can never take it for a nick.
    /// </summary>
    public string ServerName { get; set; } = "chatdaemon.local";

    /// <summary>The network's name, announced in RPL_ISUPPORT's NETWORK token and the welcome.</summary>
    public string Network { get; set; } = "ChatDaemon";

    /// <summary>
    /// A client that has not registered (NICK, USER, CAP END) this many seconds after connecting is told so and
    /// closed, with any nick it claimed freed (1 to 3600).
    /// </summary>
    public int RegistrationTimeoutSeconds { get; set; } = 60;
}
