using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat.Line;

/// <summary>
/// What every line session uses and none owns: the hub, the current settings, the server-wide limits on
/// warnings, the logger, the clock and the command table. One instance for all sessions, so a session holds one reference
/// instead of five (32 bytes per client; bench/ANALYSIS.md "Idle connections").
/// </summary>
internal sealed class LineSessionServices(ChatHub hub, ChatSettings settings, ChatLimitLog limitLog, ILogger logger, TimeProvider time, LineCommandTable? commands = null)
{
    public ChatHub Hub { get; } = hub;

    public ChatSettings Settings { get; } = settings;

    public ChatLimitLog LimitLog { get; } = limitLog;

    /// <summary>The sessions' logger; each session wraps it per event in a ConnectionLogger.</summary>
    public ILogger Logger { get; } = logger;

    public TimeProvider Time { get; } = time;

    public LineCommandTable Commands { get; } = commands ?? LineCommands.Table;
}
