namespace ChatDaemon.Logging;

/// <summary>
/// Limits how often one kind of event is logged, so a flood of misbehaving clients (rate limited,
/// line too long, server full) cannot flood the journal. A token bucket: up to
/// <c>burst</c> events at once, then <c>perSecond</c> on average; suppressed events are counted and
/// the count is handed to the next event that gets through, which should log it.
/// </summary>
/// <example>
/// <code>
/// if (_limitHits.TryEnter(out var suppressed))
///     ChatLog.ClientRateLimited(_logger, nick, suppressed);
/// </code>
/// </example>
public sealed class LogRateLimiter
{
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly object _gate = new();
    private double _tokens;
    private long _lastRefill;
    private long _suppressed;

    /// <summary>Creates a limiter allowing <paramref name="burst"/> events at once and <paramref name="perSecond"/> on average.</summary>
    /// <param name="perSecond">Sustained events per second (greater than 0).</param>
    /// <param name="burst">Events allowed at once (at least 1).</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public LogRateLimiter(double perSecond, int burst, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _time = time ?? TimeProvider.System;
        _perSecond = perSecond;
        _burst = burst;
        _tokens = burst;
        _lastRefill = _time.GetTimestamp();
    }

    /// <summary>
    /// True when this event may be logged; <paramref name="suppressedBefore"/> is the number of
    /// events refused since the last one that was allowed.
    /// </summary>
    /// <param name="suppressedBefore">Events refused since the previous allowed one.</param>
    public bool TryEnter(out long suppressedBefore)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_lastRefill, now).TotalSeconds;
            _lastRefill = now;
            _tokens = Math.Min(_burst, _tokens + (elapsed * _perSecond));
            if (_tokens < 1)
            {
                _suppressed++;
                suppressedBefore = 0;
                return false;
            }

            _tokens -= 1;
            suppressedBefore = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
