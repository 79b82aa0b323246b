using System.Runtime.InteropServices;

namespace ChatDaemon.Interop;

#pragma warning disable CS8981 // libc spelling, as in Tmds.LibC
/// <summary>Clock value returned by <c>clock_gettime(2)</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct timespec
{
    public long tv_sec;
    public long tv_nsec;
}
#pragma warning restore CS8981

// libc entry points of the Systemd area: socket activation (fcntl, getsockopt), reload
// notification timestamps (clock_gettime) and unsetting the sd_notify/sd_listen_fds variables.
public static unsafe partial class LibC
{
    // fcntl(2)
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;

    // socket(7), <asm-generic/socket.h>
    public const int SOL_SOCKET = 1;
    public const int SO_TYPE = 3;
    public const int SO_ACCEPTCONN = 30;
    public const int SO_DOMAIN = 39;
    public const int SOCK_STREAM = 1;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_SEQPACKET = 5;
    public const int AF_UNIX = 1;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;

    // clock_gettime(2)
    public const int CLOCK_MONOTONIC = 1;

    [LibraryImport(libc, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int getsockopt(int sockfd, int level, int optname, void* optval, uint* optlen);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int clock_gettime(int clockid, timespec* tp);

    [LibraryImport(libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unsetenv(string name);
}
