namespace ChatDaemon.Systemd;

/// <summary>
/// A health check the watchdog consults before each WATCHDOG=1 ping. Register one per loop that must keep
/// moving (accept loops, message dispatch) as a singleton <see cref="IWatchdogProbe"/>. When any probe
/// reports no progress the ping is withheld, and systemd kills and restarts a hung service (Result=watchdog).
/// </summary>
public interface IWatchdogProbe
{
    /// <summary>Shown in the log when this probe holds the ping back.</summary>
    string Name { get; }

    /// <summary>
    /// True when the component has made progress, or is idle but able to make it (e.g. its loop turned
    /// recently). Called from the watchdog's timer thread; must be cheap and must not block.
    /// </summary>
    bool IsMakingProgress();
}
