using System.Runtime.InteropServices;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>
/// Serialises control actions (stop, restart) on one daemon: an exclusive flock(2) on
/// <c>PIDFILE.lock</c>. The file is never removed: unlinking a lock file lets a second process lock a
/// new inode while a first still holds the old one.
/// </summary>
internal sealed class GuardLock : IDisposable
{
    private int _fd;

    private GuardLock(int fd) => _fd = fd;

    public static string PathFor(string pidFilePath) => pidFilePath + ".lock";

    /// <summary>Waits up to <paramref name="timeout"/> for the guard; null when another control action holds it that long.</summary>
    /// <exception cref="IOException">The guard file cannot be opened or locked.</exception>
    public static async Task<GuardLock?> AcquireAsync(string pidFilePath, TimeSpan timeout)
    {
        var path = PathFor(pidFilePath);
        var fd = LibC.open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0x180 /* 0600 */);
        if (fd < 0)
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(LibC.errno)}");

        var deadline = DateTime.UtcNow + timeout;
        while (LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
        {
            var errno = LibC.errno;
            if (errno != LibC.EWOULDBLOCK)
            {
                LibC.close(fd);
                throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }

            if (DateTime.UtcNow >= deadline)
            {
                LibC.close(fd);
                return null;
            }

            await Task.Delay(50);
        }

        return new GuardLock(fd);
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
            LibC.close(fd);
    }
}
