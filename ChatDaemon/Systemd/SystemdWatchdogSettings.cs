using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Systemd;

/// <summary>
/// The watchdog timeout systemd asks for (WatchdogSec= in systemd.service(5)), read from WATCHDOG_USEC and
/// WATCHDOG_PID like sd_watchdog_enabled(3), which are then unset so children do not inherit them.
/// </summary>
public sealed class SystemdWatchdogSettings
{
    private SystemdWatchdogSettings(TimeSpan? timeout) => Timeout = timeout;

    /// <summary>The watchdog is off: no WatchdogSec=, or not for this process.</summary>
    public static SystemdWatchdogSettings Disabled { get; } = new(null);

    /// <summary>WATCHDOG_USEC, or null when the watchdog is off.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>sd_watchdog_enabled(3) recommends pinging at half the timeout.</summary>
    public TimeSpan? PingInterval => Timeout / 2;

    public static SystemdWatchdogSettings Create(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromMicroseconds(2));
        return new SystemdWatchdogSettings(timeout);
    }

    public static SystemdWatchdogSettings Read(IProcessEnvironment environment, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(logger);

        string? usec = environment.GetVariable(SystemdVariables.WatchdogUsec);
        string? pid = environment.GetVariable(SystemdVariables.WatchdogPid);
        environment.UnsetVariable(SystemdVariables.WatchdogUsec);
        environment.UnsetVariable(SystemdVariables.WatchdogPid);

        if (usec is null)
        {
            return Disabled;
        }

        if (pid is not null)
        {
            // WATCHDOG_PID names the process that must ping; one we inherited belongs to our parent.
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int watchdogPid) || watchdogPid <= 0)
            {
                SystemdLog.WatchdogVariablesInvalid(logger, usec, pid);
                return Disabled;
            }

            if (watchdogPid != environment.ProcessId)
            {
                SystemdLog.WatchdogForAnotherProcess(logger, watchdogPid, environment.ProcessId);
                return Disabled;
            }
        }

        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out long microseconds)
            || microseconds < 2 || microseconds > TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond)
        {
            SystemdLog.WatchdogVariablesInvalid(logger, usec, pid);
            return Disabled;
        }

        return new SystemdWatchdogSettings(TimeSpan.FromMicroseconds(microseconds));
    }
}
