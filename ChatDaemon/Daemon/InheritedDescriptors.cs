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
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) || fd <= 2)
                continue;
            var flags = LibC.fcntl(fd, LibC.F_GETFD, 0);
            if (flags < 0 || (flags & LibC.FD_CLOEXEC) != 0)
                continue; // closed meanwhile (e.g. the directory handle itself) or already fine
            if (LibC.fcntl(fd, LibC.F_SETFD, flags | LibC.FD_CLOEXEC) == 0)
                marked++;
        }

        return marked;
    }
}
