using ChatDaemon.Logging;

namespace ChatDaemon.Chat;

/// <summary>Server-wide throttles for limit-hit warnings: each client logs a hit once, and all clients together a few per second.</summary>
public sealed class ChatLimitLog
{
    public LogThrottle LineTooLong { get; } = new(perSecond: 5);

    public LogThrottle RateLimited { get; } = new(perSecond: 5);

    public LogThrottle SlowClient { get; } = new(perSecond: 5);
}
