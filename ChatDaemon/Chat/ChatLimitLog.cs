using ChatDaemon.Logging;

namespace ChatDaemon.Chat;

/// <summary>Server-wide limits on limit-hit warnings: each client logs a hit once, and all clients together a few per second.</summary>
public sealed class ChatLimitLog
{
    public LogRateLimiter LineTooLong { get; } = new(perSecond: 5, burst: 10);

    public LogRateLimiter RateLimited { get; } = new(perSecond: 5, burst: 10);

    public LogRateLimiter SlowClient { get; } = new(perSecond: 5, burst: 10);
}
