using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Logging;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// One chat over several instances through Redis (what it keeps there: <see cref="RedisKeys"/>). Room traffic
/// goes by pub/sub, one channel per room (<c>{prefix}room:{name in lower case}</c>), listened to while a local
/// member is in the room: what a local member says or does there is published with this process's origin and
/// the room's next number; what others publish is delivered to the local members in the order it was published,
/// and this process's own messages coming back are dropped. Messages to one member go to its instance's channel.
/// Nicks (<see cref="RedisNickClaims"/>), listings (<see cref="RedisPresence"/>), guest numbers
/// (<see cref="RedisGuestNumbers"/>) and their renewal (<see cref="RedisHeartbeat"/>) have classes of their own;
/// this one ties them to the hub and to the connection's ups and downs (<see cref="RedisLinkState"/>).
/// </summary>
/// <remarks>
/// Subscriptions use the ordered queue form (<see cref="ChannelMessageQueue.OnMessage(Action{ChannelMessage})"/>):
/// the callback form delivered about 0.3 % of messages out of order in a measurement (issue 16). Subscribing and
/// unsubscribing happen on one background loop, one room at a time, and each step looks at whether the room has
/// local members now, so a room that empties and fills again quickly ends subscribed.
/// </remarks>
internal sealed class RedisChatBackplane : IChatBackplane, IAsyncDisposable, IDisposable
{
    /// <summary>How long after a lost subscription connection the command connection is looked at (ClassifySubscriptionLossAsync).</summary>
    private static readonly TimeSpan SubscriptionLossSettling = TimeSpan.FromMilliseconds(300);

    private readonly ConnectionMultiplexer _connection;
    private readonly ISubscriber _subscriber;
    private readonly IDatabase _database;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _origin; // instance id and process number: what this process's messages say they come from
    private readonly RedisNickClaims _claims;
    private readonly RedisPresence _presence;
    private readonly RedisGuestNumbers _guests;
    private readonly RedisLinkState _link;
    private readonly ConcurrentDictionary<string, RedisRoomChannel> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RedisRoomChannel> _destinations = new(StringComparer.Ordinal);
    private readonly RedisRoomChannel _inbox;
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly LogRateLimiter _notCrossedLog = new(perSecond: 1, burst: 3);
    private readonly LogRateLimiter _gapLog = new(perSecond: 5, burst: 10);
    private readonly LogRateLimiter _subscribeLog = new(perSecond: 1, burst: 5);
    private readonly LogRateLimiter _unreadableLog = new(perSecond: 1, burst: 5);
    private readonly LogRateLimiter _nickLostLog = new(perSecond: 5, burst: 20);
    private readonly Task _subscriptionLoop;
    private readonly RedisHeartbeat _heartbeat;
    private ChatHub? _hub;
    private long _notCrossed;
    private long _lastDisturbance = long.MinValue / 2; // Environment.TickCount64 of the last lost command connection
    private long _events;
    private long _missed;

    public RedisChatBackplane(RedisBackplaneOptions options, ILogger<RedisChatBackplane> logger, TimeProvider? time = null)
    {
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _keys = new RedisKeys(options.ChannelPrefix);
        InstanceId = string.IsNullOrEmpty(options.InstanceId) ? RedisInstanceId.Default() : options.InstanceId;
        ProcessId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _origin = InstanceId + "/" + ProcessId;
        var expiry = TimeSpan.FromSeconds(options.ClaimSeconds);
        RedisBackplaneLog.Started(logger, string.Join(", ", options.Endpoints), _keys.Prefix, InstanceId);
        _link = new RedisLinkState(_time);
        _connection = ConnectionMultiplexer.Connect(RedisConnectionSettings.Create(options));
        if (!_connection.IsConnected)
        {
            RedisBackplaneLog.UnreachableAtStart(logger, _connection.GetStatus());
            _link.TryGoDown(0);
        }

        _subscriber = _connection.GetSubscriber();
        _database = _connection.GetDatabase();
        _claims = new RedisNickClaims(_database, _keys, InstanceId, expiry);
        _presence = new RedisPresence(_database, _keys, InstanceId, ProcessId, expiry);
        _guests = new RedisGuestNumbers(_database, _keys);
        _inbox = new RedisRoomChannel("to " + InstanceId, _keys.InstanceChannel(InstanceId));
        _subscriptionLoop = Task.Run(RunSubscriptionsAsync);
        _heartbeat = new RedisHeartbeat(() => _connection.IsConnected, () => _hub, _claims, _presence, _guests, _link, NickLost, InstanceId, logger);

        // Last: the handlers use everything above. Whether Redis was there at start is known from IsConnected.
        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;
        _connection.ConfigurationChanged += OnConfigurationChanged;
    }

    /// <summary>This instance's name: what holds its nicks and lists its members (the same across its restarts).</summary>
    public string InstanceId { get; }

    /// <summary>What this process's messages say they come from (its own come back to it and are dropped by it).</summary>
    internal string Origin => _origin;

    /// <summary>This process's number, new at each start: what tells a restarted instance's old entries from its own.</summary>
    public string ProcessId { get; }

    public long MessagesNotCrossed => Interlocked.Read(ref _notCrossed);

    /// <summary>Messages of other instances that did not arrive here, as their sequence numbers tell (gaps).</summary>
    public long MessagesMissed => Interlocked.Read(ref _missed);

    /// <summary>Times Redis closed this instance's subscription connection (a slow subscriber is cut off so).</summary>
    public long SubscriptionCutOffs => _link.SubscriptionCutOffs;

    /// <summary>Whether this instance's own channel (messages to its members) is listened to (tests wait for it).</summary>
    internal bool IsListeningToInbox => _inbox.Subscription is not null;

    /// <summary>Whether the room's channel is listened to now (tests wait for it before they speak across).</summary>
    internal bool IsSubscribed(string room) => _rooms.TryGetValue(Key(room), out var channel) && channel.Subscription is not null;

    public void Attach(ChatHub hub)
    {
        if (Interlocked.CompareExchange(ref _hub, hub, null) is not null)
        {
            throw new InvalidOperationException("a backplane serves one hub");
        }

        // The first beat marks this process alive and fetches guest numbers before the first client comes.
        _heartbeat.BeatNow();
    }

    public void RoomOpened(string room) => _changes.Writer.TryWrite(room);

    public void RoomClosed(string room) => _changes.Writer.TryWrite(room);

    public void Publish(ChatMessage message) => Publish(message, eventNumber: 0);

    public void PublishOnce(IReadOnlyList<ChatMessage> perRoom)
    {
        long eventNumber = Interlocked.Increment(ref _events);
        foreach (var message in perRoom)
        {
            Publish(message, eventNumber);
        }
    }

    private void Publish(ChatMessage message, long eventNumber)
    {
        var room = Room(message.Room);
        if (_hub?.HasLocalRoom(message.Room) != true)
        {
            // The last local member just left (its quit or part still crosses): let the loop forget the room.
            _changes.Writer.TryWrite(message.Room);
        }

        // Fail fast: while Redis is unreachable nobody would hear it, and queueing it for later would send it before
        // the other instances listen again (lost all the same, but silently).
        if (!_connection.IsConnected)
        {
            NotCrossed();
            return;
        }

        Task publishing;
        try
        {
            lock (room.PublishGate)
            {
                byte[] payload = BackplaneEnvelope.Encode(_origin, ++room.Sequence, message, eventNumber);
                publishing = _subscriber.PublishAsync(room.Channel, payload);
            }
        }
        catch (RedisException)
        {
            NotCrossed();
            return;
        }

        if (!publishing.IsCompletedSuccessfully)
        {
            publishing.ContinueWith(
                static (task, state) =>
                {
                    _ = task.Exception; // observed: the count and the log tell the story
                    ((RedisChatBackplane)state!).NotCrossed();
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void NotCrossed()
    {
        long total = Interlocked.Increment(ref _notCrossed);
        if (_notCrossedLog.TryEnter(out long suppressed))
        {
            RedisBackplaneLog.MessagesNotCrossed(_logger, total, suppressed);
        }
    }

    private static string Key(string room) => room.ToLowerInvariant();

    private RedisRoomChannel Room(string room) =>
        _rooms.GetOrAdd(Key(room), static (key, state) => new RedisRoomChannel(state.room, state.keys.RoomChannel(key)), (room, keys: _keys));

    /// <summary>Brings each room named in <see cref="_changes"/> to what it should be: listened to while it has local members, forgotten otherwise.</summary>
    private async Task RunSubscriptionsAsync()
    {
        // Messages to this instance's members: listened to for the process's life (the client renews it after an outage).
        while (_inbox.Subscription is null && !_stopping.IsCancellationRequested)
        {
            try
            {
                var inbox = await _subscriber.SubscribeAsync(_inbox.Channel).ConfigureAwait(false);
                inbox.OnMessage(message => Receive(_inbox, message));
                _inbox.Subscription = inbox;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (_subscribeLog.TryEnter(out long suppressed))
                {
                    RedisBackplaneLog.SubscribeFailed(_logger, _inbox.Room, ex.Message, suppressed);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        await foreach (string room in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await ReconcileAsync(room).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                if (_subscribeLog.TryEnter(out long suppressed))
                {
                    RedisBackplaneLog.SubscribeFailed(_logger, room, ex.Message, suppressed);
                }

                // Tried again in a second while Redis answers (a busy server, not a gone one); once it is gone the
                // return of the connection brings every room back here.
                if (ex is not ObjectDisposedException && _connection.IsConnected)
                {
                    _ = RetrySubscriptionAsync(room);
                }
            }
        }
    }

    private async Task RetrySubscriptionAsync(string room)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), _time, _stopping.Token).ConfigureAwait(false);
            _changes.Writer.TryWrite(room);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task ReconcileAsync(string room)
    {
        string key = Key(room);
        if (_hub?.HasLocalRoom(room) == true)
        {
            var channel = Room(room);
            if (channel.Subscription is null)
            {
                var subscription = await _subscriber.SubscribeAsync(channel.Channel).ConfigureAwait(false);
                subscription.OnMessage(message => Receive(channel, message));
                channel.Subscription = subscription;
            }
        }
        else if (_rooms.TryRemove(key, out var channel) && channel.Subscription is { } subscription)
        {
            await subscription.UnsubscribeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One message from the room's channel, in publication order (the ordered queue calls this one at a time).</summary>
    private void Receive(RedisRoomChannel channel, ChannelMessage received)
    {
        ReadOnlyMemory<byte> bytes = received.Message;
        if (!BackplaneEnvelope.TryDecode(bytes, out string origin, out long sequence, out long eventNumber, out var message))
        {
            if (_unreadableLog.TryEnter(out long suppressed))
            {
                RedisBackplaneLog.MessageUnreadable(_logger, channel.Room, bytes.Length, suppressed);
            }

            return;
        }

        if (origin == _origin)
        {
            return; // our own, already delivered here before it was published
        }

        CheckSequence(channel, origin, sequence);
        if (ReferenceEquals(channel, _inbox))
        {
            _hub?.DeliverToMemberFromBackplane(message);
        }
        else if (eventNumber != 0)
        {
            _hub?.DeliverOnceFromBackplane(message, origin + "#" + eventNumber);
        }
        else
        {
            _hub?.DeliverFromBackplane(message);
        }
    }

    /// <summary>
    /// Reports messages of <paramref name="origin"/> that did not arrive. Number 1 starts a new stream (that
    /// instance's room was opened again, or it restarted), and the first message heard from an instance is where
    /// listening began: neither is a gap.
    /// </summary>
    private void CheckSequence(RedisRoomChannel channel, string origin, long sequence)
    {
        bool known = channel.LastSeen.TryGetValue(origin, out long last);
        channel.LastSeen[origin] = sequence;
        if (!known || sequence == 1 || sequence == last + 1)
        {
            return;
        }

        // Behind the last one (a duplicate, or numbers out of order) counts as no loss but is reported all the same.
        long missed = Math.Max(0, sequence - last - 1);
        Interlocked.Add(ref _missed, missed);
        if (_gapLog.TryEnter(out long suppressed))
        {
            RedisBackplaneLog.SequenceGap(_logger, channel.Room, missed, origin, last + 1, sequence, suppressed);
        }
    }

    public Task<BackplaneAnswer> ClaimNickAsync(string nick) => _connection.IsConnected ? _claims.ClaimAsync(nick) : Task.FromResult(BackplaneAnswer.Unavailable);

    public void NickTaken(string nick)
    {
        if (_connection.IsConnected)
        {
            _claims.ClaimInBackground(nick, NickLost);
        }
    }

    public void NickReleased(string nick)
    {
        if (_connection.IsConnected)
        {
            _claims.Release(nick);
        }
    }

    public bool TryTakeGuestNumber(out long number) => _guests.TryTake(_connection.IsConnected, out number);

    public void MemberJoined(string room, ChatMember member) =>
        WritePresence(room, member.Nick, static (presence, room, member, count) => presence.Joined(room, member, count), member);

    public void MemberLeft(string room, string nick) =>
        WritePresence(room, nick, static (presence, room, nick, count) => presence.Left(room, nick, count), nick);

    /// <summary>
    /// Writes one change of the listing without waiting. A member still registering (no nick yet) is listed once
    /// it has one; what an outage or a failed write leaves out, the next heartbeat writes whole.
    /// </summary>
    private void WritePresence<T>(string room, string nick, Action<RedisPresence, string, T, int> write, T who)
    {
        if (nick.Length == 0 || !_connection.IsConnected)
        {
            return;
        }

        try
        {
            write(_presence, room, who, _hub?.FindRoom(room)?.Members.Length ?? 0);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The next heartbeat writes the whole listing again.
        }
    }

    public async Task<BackplaneAnswer> SendToNickAsync(ChatMessage message)
    {
        if (!_connection.IsConnected)
        {
            return BackplaneAnswer.Unavailable;
        }

        string nick = message.Kind == ChatMessageKind.Invited ? message.Detail : message.Room;
        try
        {
            var holder = await _database.StringGetAsync(_keys.Nick(nick)).ConfigureAwait(false);
            if (holder.IsNull || (string?)holder == InstanceId)
            {
                return BackplaneAnswer.No; // nobody has it, or the local member that had it just left
            }

            string instance = holder!;
            var destination = _destinations.GetOrAdd(instance, static (id, keys) => new RedisRoomChannel("to " + id, keys.InstanceChannel(id)), _keys);
            Task<long> publishing;
            lock (destination.PublishGate)
            {
                publishing = _subscriber.PublishAsync(destination.Channel, BackplaneEnvelope.Encode(_origin, ++destination.Sequence, message));
            }

            // Nobody listening: the instance that holds the nick is gone (its claim not yet expired).
            return await publishing.ConfigureAwait(false) > 0 ? BackplaneAnswer.Yes : BackplaneAnswer.No;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return BackplaneAnswer.Unavailable;
        }
    }

    public async Task<IReadOnlyList<string>?> NicksElsewhereAsync(IReadOnlyList<string> nicks)
    {
        if (!_connection.IsConnected)
        {
            return null;
        }

        try
        {
            var holders = await _database.StringGetAsync(nicks.Select(n => _keys.Nick(n)).ToArray()).ConfigureAwait(false);
            var elsewhere = new List<string>(nicks.Count);
            for (int i = 0; i < nicks.Count; i++)
            {
                if (!holders[i].IsNull && (string?)holders[i] != InstanceId)
                {
                    elsewhere.Add(nicks[i]);
                }
            }

            return elsewhere;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<RemoteMember>?> RemoteMembersAsync(string room)
    {
        if (!_connection.IsConnected)
        {
            return null;
        }

        try
        {
            return await _presence.RemoteMembersAsync(room).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<KeyValuePair<string, int>>?> RemoteRoomsAsync()
    {
        if (!_connection.IsConnected)
        {
            return null;
        }

        try
        {
            return await _presence.RemoteRoomsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    public string Describe() => _link.Describe(MessagesNotCrossed);

    /// <summary>Another instance holds a nick a local member took without asking: the local member is renamed.</summary>
    private void NickLost(string nick)
    {
        if (_hub is not { } hub)
        {
            return;
        }

        // Not on the client's thread: the rename tells rooms, which must not run inside Redis's callback.
        ThreadPool.QueueUserWorkItem(
            static state =>
            {
                var (backplane, hub, nick) = state;
                if (backplane._nickLostLog.TryEnter(out long suppressed))
                {
                    RedisBackplaneLog.NickLost(backplane._logger, nick, suppressed);
                }

                hub.NickLost(nick);
            },
            (this, hub, nick),
            preferLocal: false);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        RedisBackplaneLog.ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString());
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _ = ClassifySubscriptionLossAsync(e.EndPoint?.ToString() ?? "?", Environment.TickCount64);
        }
        else
        {
            Disturbed();
        }

        // Down only when no primary is left to talk to: a subscription cut off while commands still go through, or a
        // replica lost beside a live primary, is no outage.
        if (!PrimaryReachable() && _link.TryGoDown(MessagesNotCrossed))
        {
            _hub?.NoticeToAllRooms("the other servers of this chat cannot be reached: until they can, only people on this server read what is said here");
        }
    }

    /// <summary>
    /// A lost subscription connection while the command connection stays up is Redis cutting this subscriber off
    /// (its output buffer passed client-output-buffer-limit pubsub, 32 MB by default, redis.conf): the client
    /// subscribes again by itself, and what was published meanwhile is lost, so it is told and counted. When the
    /// command connection goes down too (Redis stopped, crashed, failed over), it is part of that, told as an
    /// outage. The two are told apart a moment later, since the connections notice a dead
    /// server one after the other, in either order.
    /// </summary>
    private async Task ClassifySubscriptionLossAsync(string endPoint, long lostAt)
    {
        try
        {
            await Task.Delay(SubscriptionLossSettling, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        long quietSince = Interlocked.Read(ref _lastDisturbance);
        bool alone = quietSince < lostAt - (long)SubscriptionLossSettling.TotalMilliseconds;
        if (alone && PrimaryReachable() && !_link.IsDown)
        {
            _link.SubscriptionCutOff();
            RedisBackplaneLog.SubscriptionCutOff(_logger, endPoint, _link.SubscriptionCutOffs);
        }
    }

    /// <summary>The command connection was lost: a subscription lost about now is part of that.</summary>
    private void Disturbed() => Interlocked.Exchange(ref _lastDisturbance, Environment.TickCount64);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        RedisBackplaneLog.ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");

        // Rooms whose subscription could not be made while Redis was away are tried again (the client itself
        // renews the ones it has).
        if (_hub is { } hub)
        {
            foreach (var room in hub.Rooms)
            {
                _changes.Writer.TryWrite(room.Name);
            }
        }

        // Nicks taken and members come and gone meanwhile are claimed and listed again now, not at the next beat.
        _heartbeat.BeatNow();
        LinkMayBeBack();
    }

    /// <summary>
    /// The client learnt a new shape of the servers (a replica among the endpoints promoted, a primary back): the
    /// link is back once a primary is.
    /// </summary>
    private void OnConfigurationChanged(object? sender, EndPointEventArgs e)
    {
        _heartbeat.BeatNow();
        LinkMayBeBack();
    }

    /// <summary>
    /// Whether a primary is connected: what claims and listings are written to. Endpoints may name replicas too,
    /// which stay connected while the primary is gone and refuse writes; they do not make a link.
    /// </summary>
    private bool PrimaryReachable()
    {
        foreach (var server in _connection.GetServers())
        {
            if (server.IsConnected && !server.IsReplica)
            {
                return true;
            }
        }

        return false;
    }

    private void LinkMayBeBack()
    {
        if (PrimaryReachable() && _link.TryGoUp(MessagesNotCrossed, out long notCrossed, out var downFor))
        {
            RedisBackplaneLog.LinkRestored(_logger, (long)downFor.TotalMilliseconds, notCrossed);
            _hub?.NoticeToAllRooms(notCrossed == 0
                ? "the other servers of this chat can be reached again"
                : $"the other servers of this chat can be reached again ({notCrossed} messages said here meanwhile did not reach them)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _subscriptionLoop.ConfigureAwait(false);
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        // Not CloseAsync: a stop must not wait for a broker that may be gone; what was not sent is lost either way.
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
