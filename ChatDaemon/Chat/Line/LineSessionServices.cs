using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat.Line;

/// <summary>What every line session shares: the chat's services and the command table.</summary>
internal sealed class LineSessionServices(ChatHub hub, ChatSettings settings, ChatLimitLog limitLog, ILogger logger, TimeProvider time, LineCommandTable? commands = null)
    : ChatSessionServices(hub, settings, limitLog, logger, time)
{
    public LineCommandTable Commands { get; } = commands ?? LineCommands.Table;
}
