using System.Runtime.InteropServices;
using ChatDaemon.CommandLine;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>
/// What the re-launched child does to become a daemon (the steps of daemon(7) "SysV daemons" that
/// remain after the parent's re-launch replaced the double fork).
/// </summary>
internal static class DetachedChild
{
    /// <summary>
    /// setsid(2) (new session, no controlling terminal), chdir("/") (do not keep a mount busy),
    /// umask, and stdin from /dev/null. stdout and stderr stay connected to the parent until
    /// <see cref="RedirectOutputToDevNull"/>, so that early errors reach it.
    /// </summary>
    public static void EnterSession(uint umask)
    {
        // The parent never makes the child a process group leader, so setsid cannot fail with EPERM.
        if (LibC.setsid() < 0)
            throw new StartupException($"setsid failed: {Marshal.GetPInvokeErrorMessage(LibC.errno)}", ExitCodes.OsError);
        if (LibC.chdir("/") != 0)
            throw new StartupException($"chdir(\"/\") failed: {Marshal.GetPInvokeErrorMessage(LibC.errno)}", ExitCodes.OsError);
        _ = LibC.umask(umask);
        PointAtDevNull(0);
    }

    /// <summary>
    /// Points stdout and stderr at /dev/null once logging no longer needs them, and with them every
    /// duplicate of the old streams: System.Console writes through its own dup(2) of fd 1 and 2
    /// (taken when first used), which would otherwise keep the parent's pipe open for the daemon's life.
    /// </summary>
    public static void RedirectOutputToDevNull()
    {
        var originals = new[] { FileIdentity.OfDescriptor(1), FileIdentity.OfDescriptor(2) }
            .Where(identity => identity is not null && !IsDevNull(identity.Value))
            .Select(identity => identity!.Value)
            .ToArray();

        PointAtDevNull(1);
        PointAtDevNull(2);
        if (originals.Length == 0)
            return;

        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var fd) || fd <= 2)
                continue;
            if (FileIdentity.OfDescriptor(fd) is { } identity && originals.Any(o => o.SameFileAs(identity)))
                PointAtDevNull(fd);
        }
    }

    private static bool IsDevNull(FileIdentity identity) =>
        FileIdentity.OfPath("/dev/null") is { } devNull && devNull.SameFileAs(identity);

    private static void PointAtDevNull(int target)
    {
        var fd = LibC.open("/dev/null", LibC.O_RDWR | LibC.O_CLOEXEC | LibC.O_NOCTTY, 0);
        if (fd < 0)
            throw new StartupException($"cannot open /dev/null: {Marshal.GetPInvokeErrorMessage(LibC.errno)}", ExitCodes.OsError);
        try
        {
            // Standard streams stay inheritable (dup2 clears FD_CLOEXEC); any other descriptor keeps close-on-exec.
            var result = target <= 2 ? LibC.dup2(fd, target) : LibC.dup3(fd, target, LibC.O_CLOEXEC);
            if (result < 0)
                throw new StartupException($"dup2(/dev/null, {target}) failed: {Marshal.GetPInvokeErrorMessage(LibC.errno)}", ExitCodes.OsError);
        }
        finally
        {
            LibC.close(fd);
        }
    }
}
