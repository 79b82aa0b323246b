using ChatDaemon.Chat;
using ChatDaemon.Logging;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// Every third of the claim expiry (and at once when asked: at start, after an outage) this process is marked
/// alive, the nicks of local members are claimed again (after an outage: a nick another instance took meanwhile
/// renames its local holder), what other instances list of this one is written again whole, the live instances
/// are counted, and guest numbers are fetched ahead. What a beat could not do the next one does.
/// </summary>
internal sealed class RedisHeartbeat : IAsyncDisposable
{
    private readonly Func<bool> _isConnected;
    private readonly Func<ChatHub?> _hub;
    private readonly RedisNickClaims _claims;
    private readonly RedisPresence _presence;
    private readonly RedisGuestNumbers _guests;
    private readonly RedisLinkState _link;
    private readonly Action<string> _nickLost;
    private readonly string _instanceId;
    private readonly ILogger _logger;
    private readonly LogRateLimiter _failureLog = new(perSecond: 1, burst: 3);
    private readonly System.Threading.Channels.Channel<bool> _now = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public RedisHeartbeat(
        Func<bool> isConnected,
        Func<ChatHub?> hub,
        RedisNickClaims claims,
        RedisPresence presence,
        RedisGuestNumbers guests,
        RedisLinkState link,
        Action<string> nickLost,
        string instanceId,
        ILogger logger)
    {
        (_isConnected, _hub, _claims, _presence, _guests, _link, _nickLost, _instanceId, _logger) =
            (isConnected, hub, claims, presence, guests, link, nickLost, instanceId, logger);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Beats now rather than at the end of the interval (at most one waits).</summary>
    public void BeatNow() => _now.Writer.TryWrite(true);

    private async Task RunAsync()
    {
        var interval = _claims.Expiry / 3;
        bool first = true;
        while (!_stopping.IsCancellationRequested)
        {
            if (_isConnected() && _hub() is { } hub)
            {
                try
                {
                    await BeatAsync(hub, first).ConfigureAwait(false);
                    first = false;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    if (_failureLog.TryEnter(out long suppressed))
                    {
                        RedisBackplaneLog.HeartbeatFailed(_logger, ex.Message, suppressed);
                    }
                }
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            wait.CancelAfter(interval);
            try
            {
                await _now.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The interval passed, or the process stops (the loop condition tells).
            }
        }
    }

    private async Task BeatAsync(ChatHub hub, bool first)
    {
        string? conflict = await _presence.HeartbeatAsync(first).ConfigureAwait(false);
        if (conflict is not null && _link.InstanceIdConflict is null)
        {
            RedisBackplaneLog.InstanceIdConflict(_logger, _instanceId, conflict);
        }

        _link.InstanceIdConflict = conflict;

        var nicks = hub.Members.Select(m => m.Nick).Where(n => n.Length > 0).Distinct(NickName.Comparer).ToList();
        foreach (string lost in await _claims.RenewAsync(nicks).ConfigureAwait(false))
        {
            _nickLost(lost);
        }

        var rooms = hub.Rooms
            .Select(r => (Room: r.Name, Members: r.Members.Where(m => m.Nick.Length > 0).ToArray()))
            .Where(r => r.Members.Length > 0)
            .ToList();
        await _presence.RewriteAsync(rooms).ConfigureAwait(false);
        _link.OtherInstances = (await _presence.OtherLiveInstancesAsync().ConfigureAwait(false)).Count;
        await _guests.PrimeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
