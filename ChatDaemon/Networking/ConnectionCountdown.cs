namespace ChatDaemon.Networking;

/// <summary>
/// How many connections are still in one stage of their life (reading, open), for a stop that waits
/// until none is. One counter and one task for the whole server instead of a task per connection:
/// an idle connection then holds nothing for the stop it may never see (two TaskCompletionSources cost
/// about 200 bytes per connection; bench/ANALYSIS.md "Idle connections").
/// </summary>
internal sealed class ConnectionCountdown
{
    private readonly TaskCompletionSource _zero = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Starts at one, the server's own share, given up by WhenNoneLeft: zero cannot be reached before the stop.
    private int _count = 1;
    private int _closed;

    /// <summary>A connection enters the stage.</summary>
    public void Enter() => Interlocked.Increment(ref _count);

    /// <summary>A connection leaves the stage; once per <see cref="Enter"/>.</summary>
    public void Leave()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            _zero.TrySetResult();
        }
    }

    /// <summary>
    /// Completes once every connection that entered has left. Called when no more connections can enter
    /// (the listeners are closed); safe to call again.
    /// </summary>
    public Task WhenNoneLeft()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Leave();
        }

        return _zero.Task;
    }
}
