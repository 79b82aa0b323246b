using System.Globalization;

namespace ChatDaemon.Systemd;

/// <summary>
/// Tells whether this process runs as a systemd service. Outside one, every systemd feature is a no-op.
/// </summary>
public static class SystemdEnvironment
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "s_: IsSystemdService is the method that computes it.")]
    private static readonly Lazy<bool> s_isSystemdService = new(() => IsSystemdService(ProcessEnvironment.Instance));

    /// <summary>
    /// True when this process is a systemd service. Decided once, on first call, before any variable
    /// is unset (the notifier unsets NOTIFY_SOCKET), so later calls give the same answer.
    /// </summary>
    public static bool IsSystemdService() => s_isSystemdService.Value;

    /// <summary>
    /// True when <paramref name="environment"/> shows a service started by systemd:
    /// NOTIFY_SOCKET set (Type=notify, sd_notify(3)), or SYSTEMD_EXEC_PID (systemd 248+, systemd.exec(5))
    /// or LISTEN_PID (sd_listen_fds(3)) equal to our pid. The pid checks ignore variables that a
    /// service inherited from its own parent service.
    /// </summary>
    public static bool IsSystemdService(IProcessEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);

        if (!string.IsNullOrEmpty(environment.GetVariable(SystemdVariables.NotifySocket)))
        {
            return true;
        }

        return IsOurPid(environment, SystemdVariables.ExecPid) || IsOurPid(environment, SystemdVariables.ListenPid);
    }

    private static bool IsOurPid(IProcessEnvironment environment, string variable) =>
        int.TryParse(environment.GetVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
        && pid == environment.ProcessId;
}
