using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat;

/// <summary>
/// What every chat session uses and none owns: the hub, the current settings, the server-wide limits on
/// warnings, the logger and the clock. One instance per protocol for all its sessions, so a session holds one
/// reference instead of five (32 bytes per client; bench/ANALYSIS.md "Idle connections"); a protocol adds
/// what its own sessions share in a derived class.
/// </summary>
internal class ChatSessionServices(ChatHub hub, ChatSettings settings, ChatLimitLog limitLog, ILogger logger, TimeProvider time)
{
    public ChatHub Hub { get; } = hub;

    public ChatSettings Settings { get; } = settings;

    public ChatLimitLog LimitLog { get; } = limitLog;

    /// <summary>The sessions' logger; each session wraps it per event in a ConnectionLogger.</summary>
    public ILogger Logger { get; } = logger;

    public TimeProvider Time { get; } = time;
}
