using ChatDaemon.Systemd;

namespace ChatDaemon.Control;

/// <summary>
/// Where the control socket lives, shared by the daemon and the <c>chatdaemon reload|status</c> client so
/// both pick the same path without configuration:
/// 1. --control-socket when given;
/// 2. under systemd, <c>$RUNTIME_DIRECTORY/control.sock</c> (RuntimeDirectory=chatdaemon; systemd.exec(5) sets
///    $RUNTIME_DIRECTORY for every Exec*= command, so ExecReload= finds the same directory; with several
///    directories the variable is colon-separated and the first is used);
/// 3. next to the PID file, with the extension <c>.ctl</c> (<c>/run/chatdaemon.pid</c> → <c>/run/chatdaemon.ctl</c>);
/// 4. otherwise none (a foreground run without PID file).
/// A client started by hand on a systemd host has no $RUNTIME_DIRECTORY; <see cref="ForClient"/> then
/// also looks at the unit's default directory.
/// </summary>
public static class ControlSocketPath
{
    public const string FileNameInRuntimeDirectory = "control.sock";

    /// <summary>The socket of the shipped unit (RuntimeDirectory=chatdaemon).</summary>
    public const string SystemdUnitDefault = "/run/chatdaemon/" + FileNameInRuntimeDirectory;

    /// <summary>
    /// The path a client should connect to: <see cref="Resolve(string?, string?)"/>, unless nothing
    /// exists there while the shipped unit's socket does and the operator named neither a socket nor a
    /// PID file (<paramref name="pidFileNamed"/>): a command about one PID file's daemon must not answer
    /// for the systemd service instead.
    /// </summary>
    public static string ForClient(string? explicitPath, string? pidFilePath, bool pidFileNamed = false) =>
        ForClient(explicitPath, pidFilePath, pidFileNamed, SystemdUnitDefault);

    internal static string ForClient(string? explicitPath, string? pidFilePath, bool pidFileNamed, string unitDefault)
    {
        var resolved = Resolve(explicitPath, pidFilePath) ?? unitDefault;
        if (string.IsNullOrEmpty(explicitPath) && !pidFileNamed && !File.Exists(resolved) && File.Exists(unitDefault))
            return unitDefault;
        return resolved;
    }

    public static string? Resolve(string? explicitPath, string? pidFilePath) =>
        Resolve(explicitPath, pidFilePath, Environment.GetEnvironmentVariable(RuntimeDirectory.Variable));

    internal static string? Resolve(string? explicitPath, string? pidFilePath, string? runtimeDirectory)
    {
        if (!string.IsNullOrEmpty(explicitPath))
            return explicitPath;
        var firstRuntimeDirectory = RuntimeDirectory.First(runtimeDirectory);
        if (!string.IsNullOrEmpty(firstRuntimeDirectory))
            return Path.Combine(firstRuntimeDirectory, FileNameInRuntimeDirectory);
        if (!string.IsNullOrEmpty(pidFilePath))
            return Path.ChangeExtension(pidFilePath, ".ctl");
        return null;
    }
}
