namespace ChatDaemon.Daemon;

/// <summary>
/// Exit codes of the daemon verbs. Control verbs follow the LSB init script conventions
/// (LSB Core 5.0, "Init Script Actions"); startup failures follow sysexits.h.
/// </summary>
public static class DaemonExitCode
{
    public const int Success = 0;

    /// <summary>Generic failure: a reload was rejected, stop timed out, a second instance was refused.</summary>
    public const int Failure = 1;

    /// <summary>LSB status: program is dead and the PID file exists.</summary>
    public const int StatusDeadWithPidFile = 1;

    /// <summary>LSB status: program is not running.</summary>
    public const int StatusNotRunning = 3;

    /// <summary>LSB status: program or service status is unknown.</summary>
    public const int StatusUnknown = 4;

    /// <summary>LSB actions other than status: program is not running (e.g. reload of a stopped daemon).</summary>
    public const int NotRunning = 7;

    /// <summary>sysexits.h EX_USAGE: the command line was wrong.</summary>
    public const int Usage = ExitCodes.Usage;

    /// <summary>sysexits.h EX_OSERR: a system call needed to become a daemon failed.</summary>
    public const int OsError = ExitCodes.OsError;

    /// <summary>sysexits.h EX_TEMPFAIL: try again (the PID file was being replaced concurrently).</summary>
    public const int TemporaryFailure = ExitCodes.TempFail;

    /// <summary>sysexits.h EX_NOPERM: not allowed (e.g. --user without being root, root could be regained).</summary>
    public const int NoPermission = ExitCodes.NoPermission;

    /// <summary>sysexits.h EX_CONFIG: a configuration error (unknown user or group).</summary>
    public const int Config = ExitCodes.Config;
}
