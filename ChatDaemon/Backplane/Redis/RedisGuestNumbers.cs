using StackExchange.Redis;

namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// Guest numbers no two instances give out: each instance takes a block of them from one shared counter
/// (<c>INCRBY guest</c>, atomic) and hands them out locally, fetching the next block while half the current one
/// is left, so a new client waits for Redis only when a burst used a whole block up.
/// </summary>
internal sealed class RedisGuestNumbers(IDatabase database, RedisKeys keys)
{
    internal const int BlockSize = 128;

    private readonly object _sync = new();
    private long _next = 1;
    private long _end; // the last number of the block at hand (none while _next > _end)
    private long _nextBlockEnd; // fetched ahead, 0 while none
    private bool _fetching;

    /// <summary>A number from the block at hand; false when none is left and none could be fetched (the broker is unreachable).</summary>
    public bool TryTake(bool connected, out long number)
    {
        lock (_sync)
        {
            if (_next > _end && _nextBlockEnd > 0)
            {
                (_next, _end, _nextBlockEnd) = (_nextBlockEnd - BlockSize + 1, _nextBlockEnd, 0);
            }

            if (_next <= _end)
            {
                number = _next++;
                if (connected && _end - _next < BlockSize / 2 && _nextBlockEnd == 0 && !_fetching)
                {
                    _fetching = true;
                    _ = FetchAheadAsync();
                }

                return true;
            }
        }

        number = 0;
        if (!connected)
        {
            return false;
        }

        // A burst used everything up: wait for a block (one round trip per BlockSize clients at worst).
        try
        {
            long end = database.StringIncrement(keys.Guest, BlockSize);
            lock (_sync)
            {
                if (_next > _end)
                {
                    (_next, _end) = (end - BlockSize + 1, end);
                }
                else if (_nextBlockEnd == 0)
                {
                    _nextBlockEnd = end;
                }

                number = _next++;
                return true;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Fetches the first block ahead of the first guest (at start, and after an outage left none).</summary>
    public Task PrimeAsync()
    {
        lock (_sync)
        {
            if (_next <= _end || _nextBlockEnd > 0 || _fetching)
            {
                return Task.CompletedTask;
            }

            _fetching = true;
        }

        return FetchAheadAsync();
    }

    private async Task FetchAheadAsync()
    {
        try
        {
            long end = await database.StringIncrementAsync(keys.Guest, BlockSize).ConfigureAwait(false);
            lock (_sync)
            {
                _nextBlockEnd = end;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Fetched when next needed.
        }
        finally
        {
            lock (_sync)
            {
                _fetching = false;
            }
        }
    }
}
