using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat;

internal static partial class ChatLog
{
    [LoggerMessage(EventId = 200, EventName = "ChatClientJoined", Level = LogLevel.Debug, Message = "{Nick} joined {Room}")]
    public static partial void Joined(ILogger logger, string nick, string room);

    [LoggerMessage(EventId = 201, EventName = "NickChanged", Level = LogLevel.Debug, Message = "{OldNick} is now {Nick}")]
    public static partial void NickChanged(ILogger logger, string oldNick, string nick);

    [LoggerMessage(EventId = 202, EventName = "LineTooLong", Level = LogLevel.Warning, Message = "{Nick} sent a line over {MaxLineBytes} bytes; discarded ({Suppressed} similar events not logged)")]
    public static partial void LineTooLong(ILogger logger, string nick, int maxLineBytes, long suppressed);

    [LoggerMessage(EventId = 203, EventName = "RateLimited", Level = LogLevel.Warning, Message = "{Nick} sends over {LinesPerSecond} lines/s; reading from it is paused ({Suppressed} similar events not logged)")]
    public static partial void RateLimited(ILogger logger, string nick, double linesPerSecond, long suppressed);

    [LoggerMessage(EventId = 204, EventName = "SlowClientDisconnected", Level = LogLevel.Warning, Message = "{Nick} does not read; disconnected after over {SendQueueBytes} bytes waited for it for {SlowClientSeconds} s ({Suppressed} similar events not logged)")]
    public static partial void SlowClientDisconnected(ILogger logger, string nick, int sendQueueBytes, double slowClientSeconds, long suppressed);

    [LoggerMessage(EventId = 205, EventName = "ChatClientLeft", Level = LogLevel.Debug, Message = "{Nick} left: {Reason}")]
    public static partial void Left(ILogger logger, string nick, string reason);

    [LoggerMessage(EventId = 206, EventName = "ThrottledClientGone", Level = LogLevel.Information, Message = "{Nick} went away while over its line rate; {UnreadLines} lines it sent were not read yet and are dropped")]
    public static partial void ThrottledClientGone(ILogger logger, string nick, int unreadLines);

    [LoggerMessage(EventId = 207, EventName = "MemberStateUnusable", Level = LogLevel.Warning, Message = "The saved state of the client at {RemoteEndPoint} cannot be used ({Reason}); it is served as a new guest")]
    public static partial void MemberStateUnusable(ILogger logger, string remoteEndPoint, string reason);
}
