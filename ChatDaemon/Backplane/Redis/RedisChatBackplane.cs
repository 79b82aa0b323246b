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
/// Rooms across instances through Redis pub/sub: one channel per room (<c>{prefix}room:{name in lower case}</c>),
/// listened to while a local member is in the room. What a local member says or does there is published with
/// this instance's id and the room's next number; what others publish is delivered to the local members in the
/// order it was published, and this instance's own messages coming back are dropped.
/// </summary>
/// <remarks>
/// Subscriptions use the ordered queue form (<see cref="ChannelMessageQueue.OnMessage(Action{ChannelMessage})"/>):
/// the callback form delivered about 0.3 % of messages out of order in a measurement (issue 16). Subscribing and
/// unsubscribing happen on one background loop, one room at a time, and each step looks at whether the room has
/// local members now, so a room that empties and fills again quickly ends subscribed.
/// </remarks>
internal sealed class RedisChatBackplane : IChatBackplane, IAsyncDisposable, IDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly ISubscriber _subscriber;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RedisRoomChannel> _rooms = new(StringComparer.Ordinal);
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly LogRateLimiter _notCrossedLog = new(perSecond: 1, burst: 3);
    private readonly LogRateLimiter _gapLog = new(perSecond: 5, burst: 10);
    private readonly LogRateLimiter _subscribeLog = new(perSecond: 1, burst: 5);
    private readonly LogRateLimiter _unreadableLog = new(perSecond: 1, burst: 5);
    private readonly Task _subscriptionLoop;
    private ChatHub? _hub;
    private long _notCrossed;
    private long _missed;

    public RedisChatBackplane(RedisBackplaneOptions options, ILogger<RedisChatBackplane> logger)
    {
        _logger = logger;
        _prefix = options.ChannelPrefix;
        InstanceId = string.IsNullOrEmpty(options.InstanceId) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) : options.InstanceId;
        RedisBackplaneLog.Started(logger, string.Join(", ", options.Endpoints), _prefix, InstanceId);
        _connection = ConnectionMultiplexer.Connect(RedisConnectionSettings.Create(options));
        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;
        if (!_connection.IsConnected)
        {
            RedisBackplaneLog.UnreachableAtStart(logger, _connection.GetStatus());
        }

        _subscriber = _connection.GetSubscriber();
        _subscriptionLoop = Task.Run(RunSubscriptionsAsync);
    }

    /// <summary>This instance's name in what it publishes.</summary>
    public string InstanceId { get; }

    public long MessagesNotCrossed => Interlocked.Read(ref _notCrossed);

    /// <summary>Messages of other instances that did not arrive here, as their sequence numbers tell (gaps).</summary>
    public long MessagesMissed => Interlocked.Read(ref _missed);

    /// <summary>Whether the room's channel is listened to now (tests wait for it before they speak across).</summary>
    internal bool IsSubscribed(string room) => _rooms.TryGetValue(Key(room), out var channel) && channel.Subscription is not null;

    public void Attach(ChatHub hub)
    {
        if (Interlocked.CompareExchange(ref _hub, hub, null) is not null)
        {
            throw new InvalidOperationException("a backplane serves one hub");
        }
    }

    public void RoomOpened(string room) => _changes.Writer.TryWrite(room);

    public void RoomClosed(string room) => _changes.Writer.TryWrite(room);

    public void Publish(ChatMessage message)
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
                byte[] payload = BackplaneEnvelope.Encode(InstanceId, ++room.Sequence, message);
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
        _rooms.GetOrAdd(Key(room), static (key, state) => new RedisRoomChannel(state.room, RedisChannel.Literal(state.prefix + "room:" + key)), (room, prefix: _prefix));

    /// <summary>Brings each room named in <see cref="_changes"/> to what it should be: listened to while it has local members, forgotten otherwise.</summary>
    private async Task RunSubscriptionsAsync()
    {
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
            }
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
        if (!BackplaneEnvelope.TryDecode(bytes, out string origin, out long sequence, out var message))
        {
            if (_unreadableLog.TryEnter(out long suppressed))
            {
                RedisBackplaneLog.MessageUnreadable(_logger, channel.Room, bytes.Length, suppressed);
            }

            return;
        }

        if (origin == InstanceId)
        {
            return; // our own, already delivered here before it was published
        }

        CheckSequence(channel, origin, sequence);
        _hub?.DeliverFromBackplane(message);
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

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        RedisBackplaneLog.ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString());
    }

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
    }

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        await _subscriptionLoop.ConfigureAwait(false);
        // Not CloseAsync: a stop must not wait for a broker that may be gone; what was not sent is lost either way.
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
