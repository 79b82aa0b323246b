using System.Globalization;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>
/// Descriptors above stderr that this process inherited without FD_CLOEXEC (from a shell, an init
/// script, a test runner). .NET opens its own descriptors close-on-exec but does not close others
/// when it starts a process, so a re-launched daemon would inherit them and keep, for example, a
/// pipe of the invoking script open forever.
/// </summary>
internal static class InheritedDescriptors
{
    /// <summary>Sets FD_CLOEXEC on every descriptor above 2 of this process; returns how many needed it.</summary>
    public static int MarkCloseOnExec()
    {
        var marked = 0;
        foreach (var (fd, flags) in Inheritable())
        {
            if (LibC.fcntl(fd, LibC.F_SETFD, flags | LibC.FD_CLOEXEC) == 0)
                marked++;
        }

        return marked;
    }

    /// <summary>
    /// Closes every descriptor above 2 that survived an execve(2): after a re-execution whose handover cannot be
    /// read, those are connections nobody will serve (the runtime's own are opened close-on-exec).
    /// </summary>
    public static void CloseInheritable()
    {
        foreach (var (fd, _) in Inheritable())
            _ = LibC.close(fd);
    }

    private static List<(int Fd, int Flags)> Inheritable()
    {
        var found = new List<(int, int)>();
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) || fd <= 2)
                continue;
            var flags = LibC.fcntl(fd, LibC.F_GETFD, 0);
            if (flags >= 0 && (flags & LibC.FD_CLOEXEC) == 0)
                found.Add((fd, flags)); // not closed meanwhile (the directory handle itself) nor already close-on-exec
        }

        return found;
    }
}
