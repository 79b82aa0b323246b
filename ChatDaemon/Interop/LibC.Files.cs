using System.Runtime.InteropServices;

namespace ChatDaemon.Interop;

// File, descriptor and lock calls used by the daemon area (PID file, guard lock, descriptor hygiene).
// Constants are the Linux generic values; the few that differ per architecture are properties.
// fcntl(2) and F_GETFD/F_SETFD/FD_CLOEXEC are shared with LibC.Systemd.cs, statx with LibC.FileStatus.cs, errno values live in LibC.Errno.cs.
public static unsafe partial class LibC
{
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_NOCTTY = 0x100;
    public const int O_CLOEXEC = 0x80000;

    /// <summary>open(2) O_NOFOLLOW: 0400000 on x86/x64, 0100000 on arm/arm64 (asm/fcntl.h).</summary>
    public static int O_NOFOLLOW =>
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    public const int AT_EMPTY_PATH = 0x1000;
    public const uint STATX_BASIC_STATS = 0x7ff;
    public const int S_IFREG = 0x8000;

    /// <summary>
    /// struct statx from linux/stat.h, for statx() (LibC.FileStatus.cs): the same layout on every
    /// architecture, which is why it is used instead of struct stat.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct statx_t
    {
        [FieldOffset(0)] public uint stx_mask;
        [FieldOffset(16)] public uint stx_nlink;
        [FieldOffset(20)] public uint stx_uid;
        [FieldOffset(24)] public uint stx_gid;
        [FieldOffset(28)] public ushort stx_mode;
        [FieldOffset(32)] public ulong stx_ino;
        [FieldOffset(40)] public ulong stx_size;
        [FieldOffset(136)] public uint stx_dev_major;
        [FieldOffset(140)] public uint stx_dev_minor;
    }

    [LibraryImport(libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string pathname, int flags, uint mode);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport(libc, SetLastError = true)]
    public static partial nint pwrite(int fd, byte* buf, nint count, long offset);

    [LibraryImport(libc, SetLastError = true)]
    public static partial nint pread(int fd, byte* buf, nint count, long offset);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport(libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlink(string pathname);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int fchmod(int fd, uint mode);

    [LibraryImport(libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string pathname, uint mode);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int dup2(int oldfd, int newfd);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int dup3(int oldfd, int newfd, int flags);
}
