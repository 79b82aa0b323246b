namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>What the real-systemd suite needs from the machine; when something is missing, why.</summary>
public static class SystemdPrerequisites
{
    public static string? MissingReason { get; } = FindMissing();

    private static string? FindMissing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "not running as root (namespaces, mounts and pivot_root need it)";
        }

        foreach (string tool in (string[])["/lib/systemd/systemd", "/usr/bin/unshare", "/usr/bin/nsenter", "/usr/bin/systemd-analyze", "/bin/bash"])
        {
            if (!File.Exists(tool))
            {
                return $"{tool} is missing (Debian packages systemd, util-linux)";
            }
        }

        return null;
    }
}
