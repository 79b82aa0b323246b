using StackExchange.Redis;

namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// The names of everything the backplane keeps in Redis, all behind the configured prefix (default
/// <c>chatdaemon:</c>) so that several chats, or a chat and other applications, share one Redis safely.
/// Nicks and rooms are named in lower case: both are unique regardless of case.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>nick:{nick}</c> (string, expires): the instance that holds the nick.</item>
/// <item><c>instance:{id}</c> (string, expires): the running process of that instance (a random number per start);
/// gone or different, and what that instance listed is no longer believed.</item>
/// <item><c>instances</c> (set): instance ids that were seen; dead ones are dropped when listed.</item>
/// <item><c>members:{room}</c> (hash): nick → instance, process, nick, user, host and realname (one per line) for every member of the room on any instance.</item>
/// <item><c>rooms:{id}</c> (hash, expires): room → how many of that instance's members are in it.</item>
/// <item><c>guest</c> (counter): the last guest number handed out in blocks.</item>
/// <item>Channels <c>room:{room}</c> (what is said in a room) and <c>to:{id}</c> (messages to one instance's members).</item>
/// </list>
/// </remarks>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    public RedisKey Nick(string nick) => Prefix + "nick:" + nick.ToLowerInvariant();

    public RedisKey Instance(string id) => Prefix + "instance:" + id;

    public RedisKey Instances => Prefix + "instances";

    public RedisKey Members(string room) => Prefix + "members:" + room.ToLowerInvariant();

    public RedisKey Rooms(string id) => Prefix + "rooms:" + id;

    public RedisKey Guest => Prefix + "guest";

    public RedisChannel RoomChannel(string roomKey) => RedisChannel.Literal(Prefix + "room:" + roomKey);

    public RedisChannel InstanceChannel(string id) => RedisChannel.Literal(Prefix + "to:" + id);
}
