namespace ChatDaemon;

/// <summary>Process exit codes, from sysexits(3) where one fits.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 64;        // EX_USAGE: bad command line
    public const int NoInput = 66;      // EX_NOINPUT
    public const int Unavailable = 69;  // EX_UNAVAILABLE: e.g. the port is taken
    public const int Software = 70;     // EX_SOFTWARE: internal error
    public const int OsError = 71;      // EX_OSERR: e.g. bind failed for another reason
    public const int CantCreate = 73;   // EX_CANTCREAT
    public const int TempFail = 75;     // EX_TEMPFAIL
    public const int NoPermission = 77; // EX_NOPERM
    public const int Config = 78;       // EX_CONFIG: invalid configuration
}
