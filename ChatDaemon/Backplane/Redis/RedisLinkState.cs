using System.Globalization;

namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// Whether this instance is linked to the others through Redis now, since when it is not, and what went wrong
/// on the way: what <c>systemctl status</c> and <c>chatdaemon status</c> show of the backplane. Each change of
/// state is reported once, however many connections (commands, subscriptions) the client has lost or regained.
/// </summary>
internal sealed class RedisLinkState(TimeProvider time)
{
    private readonly object _sync = new();
    private bool _down;
    private DateTimeOffset _downSince;
    private long _notCrossedAtDown;
    private long _subscriptionCutOffs;
    private int _otherInstances;
    private string? _idConflict;

    public bool IsDown
    {
        get
        {
            lock (_sync)
            {
                return _down;
            }
        }
    }

    public long SubscriptionCutOffs => Interlocked.Read(ref _subscriptionCutOffs);

    /// <summary>The link is down; true the first time (the one caller that tells the rooms).</summary>
    public bool TryGoDown(long notCrossed)
    {
        lock (_sync)
        {
            if (_down)
            {
                return false;
            }

            _down = true;
            _downSince = time.GetUtcNow();
            _notCrossedAtDown = notCrossed;
            return true;
        }
    }

    /// <summary>The link is back; true the first time, with how many messages could not cross meanwhile.</summary>
    public bool TryGoUp(long notCrossed, out long notCrossedMeanwhile, out TimeSpan downFor)
    {
        lock (_sync)
        {
            notCrossedMeanwhile = notCrossed - _notCrossedAtDown;
            downFor = time.GetUtcNow() - _downSince;
            if (!_down)
            {
                return false;
            }

            _down = false;
            return true;
        }
    }

    public void SubscriptionCutOff() => Interlocked.Increment(ref _subscriptionCutOffs);

    public int OtherInstances
    {
        get => Volatile.Read(ref _otherInstances);
        set => Volatile.Write(ref _otherInstances, value);
    }

    /// <summary>Another running process uses this instance's id (null: none seen at the last heartbeat).</summary>
    public string? InstanceIdConflict
    {
        get => Volatile.Read(ref _idConflict);
        set => Volatile.Write(ref _idConflict, value);
    }

    /// <summary>One line for the status: stable while nothing changes (systemd is told only when it does).</summary>
    public string Describe(long notCrossed)
    {
        string text;
        lock (_sync)
        {
            text = _down
                ? string.Create(CultureInfo.InvariantCulture, $"backplane: Redis unreachable since {_downSince:HH:mm:ss} UTC, chat stays on this instance ({notCrossed - _notCrossedAtDown} messages did not cross)")
                : $"backplane: linked through Redis to {OtherInstances} other instance{(OtherInstances == 1 ? "" : "s")}";
        }

        long cutOffs = SubscriptionCutOffs;
        if (cutOffs > 0)
        {
            text += $", subscription cut off by Redis {cutOffs} time{(cutOffs == 1 ? "" : "s")}";
        }

        if (InstanceIdConflict is { } conflict)
        {
            text += $", instance id also used by another running process ({conflict})";
        }

        return text;
    }
}
