using Microsoft.Extensions.Logging;

namespace ChatDaemon.Backplane.Redis;

// EventIds 800-849: the backplane (README "Backplane").
internal static partial class RedisBackplaneLog
{
    [LoggerMessage(EventId = 800, EventName = "BackplaneStarted", Level = LogLevel.Information, Message = "Rooms cross instances through Redis at {Endpoints}, channel prefix {ChannelPrefix}, this instance {InstanceId}")]
    public static partial void Started(ILogger logger, string endpoints, string channelPrefix, string instanceId);

    [LoggerMessage(EventId = 801, EventName = "BackplaneConnectionFailed", Level = LogLevel.Warning, Message = "The Redis backplane lost {EndPoint} ({FailureType}): room messages do not cross instances until it is back; local chat goes on")]
    public static partial void ConnectionFailed(ILogger logger, string endPoint, string failureType);

    [LoggerMessage(EventId = 802, EventName = "BackplaneConnectionRestored", Level = LogLevel.Information, Message = "The Redis backplane reached {EndPoint} again: room messages cross instances again")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 803, EventName = "BackplaneMessagesNotCrossed", Level = LogLevel.Warning, Message = "Room messages could not cross to the other instances (Redis unreachable): {NotCrossed} since start ({Suppressed} similar events not logged)")]
    public static partial void MessagesNotCrossed(ILogger logger, long notCrossed, long suppressed);

    [LoggerMessage(EventId = 804, EventName = "BackplaneSequenceGap", Level = LogLevel.Warning, Message = "Room {Room}: {Missed} messages of instance {Origin} did not arrive (number {Expected} expected, {Received} came) ({Suppressed} similar events not logged)")]
    public static partial void SequenceGap(ILogger logger, string room, long missed, string origin, long expected, long received, long suppressed);

    [LoggerMessage(EventId = 805, EventName = "BackplaneSubscribeFailed", Level = LogLevel.Warning, Message = "Cannot listen to room {Room} through Redis ({Reason}); tried again in a second, or when the connection is back ({Suppressed} similar events not logged)")]
    public static partial void SubscribeFailed(ILogger logger, string room, string reason, long suppressed);

    [LoggerMessage(EventId = 806, EventName = "BackplaneMessageUnreadable", Level = LogLevel.Warning, Message = "A message on the channel of room {Room} is not a ChatDaemon message of this version ({Bytes} bytes); ignored ({Suppressed} similar events not logged)")]
    public static partial void MessageUnreadable(ILogger logger, string room, int bytes, long suppressed);

    [LoggerMessage(EventId = 807, EventName = "BackplaneUnreachableAtStart", Level = LogLevel.Warning, Message = "The Redis backplane is not reachable at start ({Status}); local chat works, rooms cross instances once it is")]
    public static partial void UnreachableAtStart(ILogger logger, string status);

    [LoggerMessage(EventId = 808, EventName = "BackplaneSubscriptionCutOff", Level = LogLevel.Warning, Message = "Redis closed this instance's subscription connection at {EndPoint} (it cuts off a subscriber that reads too slowly, client-output-buffer-limit pubsub): messages of other instances published until it is back are lost ({CutOffs} times since start)")]
    public static partial void SubscriptionCutOff(ILogger logger, string endPoint, long cutOffs);

    [LoggerMessage(EventId = 809, EventName = "BackplaneNickLost", Level = LogLevel.Information, Message = "Nick {Nick} is held by a member of another instance: the local member who took it while Redis could not be asked is renamed ({Suppressed} similar events not logged)")]
    public static partial void NickLost(ILogger logger, string nick, long suppressed);

    [LoggerMessage(EventId = 810, EventName = "BackplaneInstanceIdConflict", Level = LogLevel.Error, Message = "Another running process uses this instance id ({InstanceId}; its process number {OtherProcess}): the two take each other's nicks and listings for their own. Give each instance its own Backplane:Redis:InstanceId")]
    public static partial void InstanceIdConflict(ILogger logger, string instanceId, string otherProcess);

    [LoggerMessage(EventId = 811, EventName = "BackplaneHeartbeatFailed", Level = LogLevel.Warning, Message = "Cannot renew this instance's nicks and listings in Redis ({Reason}); tried again at the next beat ({Suppressed} similar events not logged)")]
    public static partial void HeartbeatFailed(ILogger logger, string reason, long suppressed);

    [LoggerMessage(EventId = 812, EventName = "BackplaneLinkRestored", Level = LogLevel.Information, Message = "The link to the other instances is back after {DownMilliseconds} ms; {NotCrossed} messages said here meanwhile did not reach them")]
    public static partial void LinkRestored(ILogger logger, long downMilliseconds, long notCrossed);
}
