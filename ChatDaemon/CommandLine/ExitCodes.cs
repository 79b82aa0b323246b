namespace ChatDaemon.CommandLine;

/// <summary>
/// Every exit code of the process. Startup and usage failures follow sysexits(3); the control verbs
/// (status, stop, reload, restart) follow the LSB init script conventions (LSB Core 5.0, "Init Script
/// Actions"), because deploy/sysvinit/chatdaemon passes them on as the init script's own.
/// </summary>
public static class ExitCodes
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

    /// <summary>EX_USAGE: the command line was wrong.</summary>
    public const int Usage = 64;

    /// <summary>EX_NOINPUT: an input file is missing or unreadable.</summary>
    public const int NoInput = 66;

    /// <summary>EX_UNAVAILABLE: a service is unavailable, e.g. the port is taken.</summary>
    public const int Unavailable = 69;

    /// <summary>EX_SOFTWARE: an internal error.</summary>
    public const int Software = 70;

    /// <summary>EX_OSERR: a system call failed, e.g. bind for a reason other than the port being taken, or detaching.</summary>
    public const int OsError = 71;

    /// <summary>EX_CANTCREAT: an output file cannot be created.</summary>
    public const int CantCreate = 73;

    /// <summary>EX_TEMPFAIL: try again (the PID file was being replaced concurrently).</summary>
    public const int TempFail = 75;

    /// <summary>EX_NOPERM: not allowed (e.g. --user without being root, root could be regained).</summary>
    public const int NoPermission = 77;

    /// <summary>EX_CONFIG: invalid or unreadable configuration, or an unknown user or group.</summary>
    public const int Config = 78;
}
