namespace ChatDaemon.Chat;

/// <summary>
/// A token bucket for one client's lines: <c>burst</c> lines at once, then <c>rate</c> per second.
/// Used by one reader at a time, so it needs no synchronisation.
/// </summary>
/// <remarks>
/// A mutable struct, kept in a (non-readonly) field of its session and never copied: as an object of its own
/// it cost every client 48 bytes more (header, reference), which counts when most clients are idle
/// (bench/ANALYSIS.md "Idle connections").
/// </remarks>
public struct TokenBucket(TimeProvider time)
{
    private double _tokens = double.NaN;
    private long _last;

    /// <summary>Tokens left; NaN while the bucket was never used (it starts full).</summary>
    public readonly double Tokens => _tokens;

    /// <summary>Starts from <paramref name="tokens"/> left now (a session restored from its <see cref="MemberState"/>).</summary>
    public void Restore(double tokens)
    {
        _tokens = double.IsFinite(tokens) && tokens >= 0 ? tokens : double.NaN;
        _last = time.GetTimestamp();
    }

    /// <summary>Takes a token if there is one; otherwise says how long until there is.</summary>
    public bool TryTake(double ratePerSecond, int burst, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (ratePerSecond <= 0)
        {
            return true; // no limit
        }

        long now = time.GetTimestamp();
        if (double.IsNaN(_tokens))
        {
            _tokens = burst;
        }
        else
        {
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * ratePerSecond));
        }

        _last = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }

        wait = TimeSpan.FromSeconds((1 - _tokens) / ratePerSecond);
        return false;
    }
}
