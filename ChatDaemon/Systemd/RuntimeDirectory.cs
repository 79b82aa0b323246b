namespace ChatDaemon.Systemd;

/// <summary>
/// $RUNTIME_DIRECTORY, which systemd sets for RuntimeDirectory= in the main process and every Exec*=
/// command (systemd.exec(5), systemd 240+); colon-separated when several directories are configured.
/// </summary>
public static class RuntimeDirectory
{
    public const string Variable = "RUNTIME_DIRECTORY";

    /// <summary>The first directory of <paramref name="variable"/>, or null when it names none.</summary>
    public static string? First(string? variable) =>
        variable?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

    /// <summary>The first directory of this process's $RUNTIME_DIRECTORY, or null.</summary>
    public static string? FromEnvironment() => First(Environment.GetEnvironmentVariable(Variable));
}
