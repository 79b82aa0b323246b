namespace ChatDaemon.Systemd;

/// <summary>Names of the environment variables the service manager passes (systemd.exec(5) "Environment Variables Set or Propagated").</summary>
internal static class SystemdVariables
{
    public const string NotifySocket = "NOTIFY_SOCKET";
    public const string ExecPid = "SYSTEMD_EXEC_PID";
    public const string ListenPid = "LISTEN_PID";
    public const string ListenFds = "LISTEN_FDS";
    public const string ListenFdNames = "LISTEN_FDNAMES";
    public const string WatchdogUsec = "WATCHDOG_USEC";
    public const string WatchdogPid = "WATCHDOG_PID";
}
