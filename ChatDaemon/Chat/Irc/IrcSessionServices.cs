using ChatDaemon.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Chat.Irc;

/// <summary>What every IRC session shares: the chat's services, the server's identity and the command table.</summary>
internal sealed class IrcSessionServices(ChatHub hub, ChatSettings settings, ChatLimitLog limitLog, ILogger logger, TimeProvider time, IOptionsMonitor<IrcOptions> irc, string version)
    : ChatSessionServices(hub, settings, limitLog, logger, time)
{
    public IrcOptions Irc => irc.CurrentValue;

    public string ServerName => irc.CurrentValue.ServerName;

    public string Version { get; } = "chatdaemon-" + version;

    /// <summary>When this server started (RPL_CREATED).</summary>
    public DateTimeOffset Started { get; } = time.GetUtcNow();

    public IrcCommandTable Commands { get; } = IrcCommands.Table;
}
