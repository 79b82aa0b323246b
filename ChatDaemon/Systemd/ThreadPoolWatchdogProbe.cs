namespace ChatDaemon.Systemd;

/// <summary>
/// Reports progress only while the .NET thread pool runs queued work: each check queues a marker and
/// reports whether the previous one has run. Thread-pool starvation or a deadlock of every worker (the
/// usual way a .NET service hangs) then withholds the watchdog ping. Registered by AddSystemdService().
/// </summary>
public sealed class ThreadPoolWatchdogProbe : IWatchdogProbe
{
    private readonly Action<Action> _queue;
    private int _pending; // 1 while a queued marker has not run

    public ThreadPoolWatchdogProbe()
        : this(static marker => ThreadPool.UnsafeQueueUserWorkItem(static m => m(), marker, preferLocal: false))
    {
    }

    /// <summary>For tests: <paramref name="queue"/> stands in for the thread pool.</summary>
    internal ThreadPoolWatchdogProbe(Action<Action> queue) => _queue = queue;

    public string Name => "thread pool";

    public bool IsMakingProgress()
    {
        if (Volatile.Read(ref _pending) == 1)
        {
            return false; // the marker queued one check ago (half a watchdog period) has still not run
        }

        Volatile.Write(ref _pending, 1);
        _queue(() => Volatile.Write(ref _pending, 0));
        return true;
    }
}
