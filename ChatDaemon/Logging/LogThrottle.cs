namespace ChatDaemon.Logging;

/// <summary>
/// Lets through at most a few events of one kind per second and counts the rest, so a flood of bad
/// clients cannot flood the journal. Lock-free: one window per throttle, swapped with a CAS.
/// </summary>
public sealed class LogThrottle(int perSecond, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _windowStart;
    private int _inWindow;
    private int _suppressed;

    /// <summary>True if this event may be logged; <paramref name="suppressedBefore"/> is how many were dropped since the last one let through.</summary>
    public bool TryEnter(out int suppressedBefore)
    {
        long now = _time.GetTimestamp();
        long start = Volatile.Read(ref _windowStart);
        if (_time.GetElapsedTime(start, now) >= TimeSpan.FromSeconds(1)
            && Interlocked.CompareExchange(ref _windowStart, now, start) == start)
        {
            Volatile.Write(ref _inWindow, 0);
        }

        if (Interlocked.Increment(ref _inWindow) <= perSecond)
        {
            suppressedBefore = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressedBefore = 0;
        return false;
    }
}
