namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// What of ChatDaemon a running system has: installed files and configuration, unit files and drop-in directories
/// under any name beginning with chatdaemon (the deploy units and the suite's own, <see cref="SuiteNames"/>),
/// links that enable them, units systemd has loaded, a dpkg record (installed, or removed with its configuration
/// kept), and the suite's scratch files. Driving the system's own systemd, the suite refuses to start where any
/// of it exists (it would replace, and then remove, somebody's install or configuration) and checks that none
/// is left when it has cleaned up. The system user is not part of it: deploy/install.sh --uninstall leaves it.
/// </summary>
internal static class ChatDaemonFootprint
{
    private static readonly string[] InstalledPaths =
        ["/etc/chatdaemon", "/usr/lib/chatdaemon", "/run/chatdaemon", "/usr/lib/sysusers.d/chatdaemon.conf"];

    // systemd.unit(5) "Unit File Load Path" of the system manager (/lib is /usr/lib on a merged-/usr Debian 12).
    private static readonly string[] UnitDirectories =
        ["/etc/systemd/system", "/run/systemd/system", "/run/systemd/transient", "/usr/lib/systemd/system", "/lib/systemd/system"];

    public static async Task<IReadOnlyList<string>> FindAsync(SystemdContainer system)
    {
        var found = new List<string>();
        found.AddRange(InstalledPaths.Where(path => File.Exists(path) || Directory.Exists(path)));
        foreach (string directory in UnitDirectories.Where(Directory.Exists))
        {
            found.AddRange(Directory.EnumerateFileSystemEntries(directory, "chatdaemon*"));
            foreach (string dependencies in Directory.EnumerateDirectories(directory, "*.wants").Concat(Directory.EnumerateDirectories(directory, "*.requires")))
            {
                found.AddRange(Directory.EnumerateFileSystemEntries(dependencies, "chatdaemon*"));
            }
        }

        foreach (string scratch in (string[])["/run", "/tmp"])
        {
            found.AddRange(Directory.EnumerateFileSystemEntries(scratch, SuiteNames.Prefix + "*"));
        }

        CommandResult units = await system.ExecAsync("systemctl", "list-units", "--all", "--plain", "--no-legend", "--no-pager", "chatdaemon*");
        found.AddRange(units.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => "unit " + line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));
        CommandResult package = await system.ExecAsync("dpkg-query", "-W", "-f", "${db:Status-Abbrev}", "chatdaemon");
        // dpkg-query(1) db:Status-Abbrev: desired action, then state; state 'n' is not installed (a purged package dpkg still lists).
        if (package.ExitCode == 0 && package.Output.Trim() is { Length: >= 2 } status && status[1] != 'n')
        {
            found.Add($"package chatdaemon (dpkg status {status})");
        }

        return [.. found.Distinct()];
    }
}
