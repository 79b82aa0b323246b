using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using ChatDaemon.CommandLine;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>
/// The daemon's PID file and single-instance lock. The file is opened O_CLOEXEC|O_NOFOLLOW and held
/// with an exclusive flock(2) for the daemon's whole life; its content is "pid\n". Whether a daemon
/// runs is decided by that lock, which the kernel releases when the holder dies, so a reused pid
/// cannot fool <see cref="Probe"/>.
/// </summary>
public sealed class PidFile : IDisposable
{
    // A control command probes the lock with a momentary LOCK_SH|LOCK_NB (see Probe). A daemon that
    // starts at exactly that moment would see EWOULDBLOCK; it retries for this long before concluding
    // that another daemon holds the file.
    private static readonly TimeSpan ContendedRetry = TimeSpan.FromMilliseconds(500);

    private int _fd;

    private PidFile(string path, int fd, int pid)
    {
        FilePath = path;
        _fd = fd;
        Pid = pid;
    }

    public string FilePath { get; }

    /// <summary>The pid written into the file (this process).</summary>
    public int Pid { get; }

    /// <summary>The locked descriptor (handed to the next image by a classic restart: the lock never lapses).</summary>
    internal int Descriptor => _fd;

    /// <summary>
    /// Takes over the PID file whose locked descriptor the previous image of this process left open (same pid,
    /// same lock: flock(2) locks belong to the open file, which execve(2) keeps). Falls back to
    /// <see cref="Acquire"/> when the descriptor is not that file any more.
    /// </summary>
    public static PidFile Adopt(string path, int fd)
    {
        var held = FileIdentity.OfDescriptor(fd);
        var named = FileIdentity.OfPath(path);
        if (held is null || named is null || !held.Value.SameFileAs(named.Value) || LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
        {
            _ = LibC.close(fd);
            return Acquire(path);
        }

        int flags = LibC.fcntl(fd, LibC.F_GETFD, 0);
        if (flags >= 0)
            _ = LibC.fcntl(fd, LibC.F_SETFD, flags | LibC.FD_CLOEXEC);
        return new PidFile(path, fd, LibC.getpid());
    }

    /// <summary>
    /// Creates or takes over <paramref name="path"/>, locks it exclusively and writes this process's pid.
    /// A stale file (unlocked) is replaced.
    /// </summary>
    /// <exception cref="StartupException">"already running (pid N)" when another process holds the lock, or the file cannot be used.</exception>
    public static unsafe PidFile Acquire(string path)
    {
        var deadline = DateTime.UtcNow + ContendedRetry;
        while (true)
        {
            var fd = LibC.open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0x1A4 /* 0644 */);
            if (fd < 0)
                throw new StartupException($"cannot open PID file {path}: {LastError()}", ExitCodes.OsError);

            if (LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
            {
                var errno = LibC.errno;
                var holder = ReadPid(fd);
                LibC.close(fd);
                if (errno != LibC.EWOULDBLOCK)
                    throw new StartupException($"cannot lock PID file {path}: {Marshal.GetPInvokeErrorMessage(errno)}", ExitCodes.OsError);
                if (DateTime.UtcNow >= deadline)
                    throw new StartupException(holder is { } pid ? $"already running (pid {pid})" : "already running", ExitCodes.Failure);
                Thread.Sleep(20);
                continue;
            }

            // A daemon that is exiting unlinks its file before it unlocks it; if we opened that file
            // just before the unlink, we now hold a lock on an orphan. Start over on the current path.
            var mine = FileIdentity.OfDescriptor(fd);
            var named = FileIdentity.OfPath(path);
            if (mine is null || named is null || !mine.Value.SameFileAs(named.Value) || mine.Value.LinkCount == 0)
            {
                LibC.close(fd);
                if (DateTime.UtcNow >= deadline)
                    throw new StartupException($"PID file {path} keeps being replaced while it is locked", ExitCodes.TempFail);
                continue;
            }

            if (!named.Value.IsRegularFile)
            {
                LibC.close(fd);
                throw new StartupException($"PID file {path} is not a regular file", ExitCodes.Config);
            }

            var pidValue = LibC.getpid();
            var text = Encoding.ASCII.GetBytes(pidValue.ToString(CultureInfo.InvariantCulture) + "\n");
            fixed (byte* p = text)
            {
                if (LibC.ftruncate(fd, 0) != 0 || LibC.pwrite(fd, p, text.Length, 0) != text.Length)
                {
                    var error = LastError();
                    LibC.close(fd);
                    throw new StartupException($"cannot write PID file {path}: {error}", ExitCodes.OsError);
                }
            }

            return new PidFile(path, fd, pidValue);
        }
    }

    /// <summary>
    /// Inspects <paramref name="path"/> without disturbing a running daemon: a LOCK_SH|LOCK_NB attempt
    /// that succeeds is undone at once.
    /// </summary>
    public static PidFileState Probe(string path)
    {
        var fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0);
        if (fd < 0)
        {
            var errno = LibC.errno;
            return errno == LibC.ENOENT
                ? new PidFileState(PidFileStatus.NotRunning, null)
                : new PidFileState(PidFileStatus.Unknown, null, $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        try
        {
            return ProbeDescriptor(fd, path);
        }
        finally
        {
            LibC.close(fd);
        }
    }

    /// <summary>Probe on an already open descriptor of the PID file (used to wait for a stop on the same inode).</summary>
    internal static PidFileState ProbeDescriptor(int fd, string path)
    {
        if (LibC.flock(fd, LibC.LOCK_SH | LibC.LOCK_NB) == 0)
        {
            LibC.flock(fd, LibC.LOCK_UN);
            return ReadPid(fd) is { } stalePid
                ? new PidFileState(PidFileStatus.Stale, stalePid)
                : new PidFileState(PidFileStatus.NotRunning, null);
        }

        var errno = LibC.errno;
        if (errno != LibC.EWOULDBLOCK)
            return new PidFileState(PidFileStatus.Unknown, null, $"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}");

        // The holder truncates and then writes; give it a moment if we looked in between.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (ReadPid(fd) is { } pid)
                return new PidFileState(PidFileStatus.Running, pid);
            Thread.Sleep(10);
        }

        return new PidFileState(PidFileStatus.Running, null);
    }

    /// <summary>
    /// Removes the file and then releases the lock (in that order, so that nobody can lock the old
    /// inode after we let go of it while the path still names it). After a privilege drop the unlink
    /// may be refused by the directory's permissions; the file is then emptied, which
    /// <see cref="Probe"/> reports as not running.
    /// </summary>
    public void Release(ILogger? logger = null)
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
            return;

        var mine = FileIdentity.OfDescriptor(fd);
        var named = FileIdentity.OfPath(FilePath);
        if (mine is not null && named is not null && mine.Value.SameFileAs(named.Value))
        {
            if (LibC.unlink(FilePath) == 0)
            {
                if (logger is not null)
                    DaemonLog.PidFileRemoved(logger, FilePath);
            }
            else
            {
                var reason = LastError();
                LibC.ftruncate(fd, 0);
                if (logger is not null)
                    DaemonLog.PidFileEmptiedInsteadOfRemoved(logger, FilePath, reason);
            }
        }

        LibC.close(fd);
    }

    public void Dispose() => Release();

    internal static unsafe int? ReadPid(int fd)
    {
        var buffer = stackalloc byte[32];
        var n = LibC.pread(fd, buffer, 32, 0);
        if (n <= 0)
            return null;
        var text = Encoding.ASCII.GetString(buffer, (int)n).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    private static string LastError() => Marshal.GetPInvokeErrorMessage(LibC.errno);
}
