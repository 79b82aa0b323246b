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
    /// This instance's name in the messages it publishes (it drops its own echoes by it). Empty (the default): a
    /// random one per start, which is what keeps two instances from ever taking each other's messages for echoes.
    /// </summary>
    public string InstanceId { get; set; } = "";

    /// <summary>
    /// A file holding the Redis password (its first line), read at start and never logged; a bare file name is
    /// looked up in systemd's credentials directory (<c>LoadCredential=</c>). Empty (the default): no password.
    /// </summary>
    public string PasswordFile { get; set; } = "";
}
