namespace ChatDaemon.Configuration;

/// <summary>The Redis backplane (section <c>Backplane:Redis</c>).</summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>The default prefix of every channel name: instances share rooms only when they share it.</summary>
    public const string DefaultChannelPrefix = "chatdaemon:";

    /// <summary>Redis servers as <c>host:port</c>, <c>host</c> (port 6379) or <c>[IPv6]:port</c>; at least one.</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>
    /// Put in front of every channel name (room <c>lobby</c> is <c>chatdaemon:room:lobby</c>), so that several
    /// chats, or a chat and other applications, can share one Redis without hearing each other.
    /// </summary>
    public string ChannelPrefix { get; set; } = DefaultChannelPrefix;

    /// <summary>
    /// This instance's name: what holds its members' nicks and lists them for the other instances. Empty (the
    /// default): the machine's host name. It must stay the same across restarts (a restarted instance takes its
    /// nicks back by it) and differ between instances: two on one machine need one each.
    /// </summary>
    public string InstanceId { get; set; } = "";

    /// <summary>The default of <see cref="ClaimSeconds"/>.</summary>
    public const int DefaultClaimSeconds = 30;

    /// <summary>
    /// How long a nick claim and an instance's listing outlive the instance (renewed every third of it while it
    /// runs): the members of an instance that crashed vanish from the others, and their nicks are free, within
    /// this. 3 to 3600 seconds.
    /// </summary>
    public int ClaimSeconds { get; set; } = DefaultClaimSeconds;

    /// <summary>The Redis user (ACL, Redis 6+) the password is for; empty (the default): the default user.</summary>
    public string User { get; set; } = "";

    /// <summary>Whether to speak TLS to Redis (its <c>tls-port</c>); the server's certificate is checked against its host name.</summary>
    public bool Tls { get; set; }

    /// <summary>
    /// A PEM file of the certificate authority that signed Redis's certificate, trusted for it instead of the
    /// system's store (a private CA); a bare file name is a systemd credential. Empty (the default): the system's store.
    /// </summary>
    public string TlsCaFile { get; set; } = "";

    /// <summary>
    /// A file holding the Redis password (its first line), read at start and never logged; a bare file name is
    /// looked up in systemd's credentials directory (<c>LoadCredential=</c>). Empty (the default): no password.
    /// </summary>
    public string PasswordFile { get; set; } = "";
}
