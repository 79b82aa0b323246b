using System.Net.Sockets;
using System.Runtime.InteropServices;

#pragma warning disable CS8981 // lower-case names, as in libc and Tmds.LibC

namespace ChatDaemon.Interop;

// Imports used by ChatDaemon.Networking.Epoll, the connection transport: epoll(7), eventfd(2),
// recv(2)/send(2) on non-blocking sockets, shutdown(2).
public static unsafe partial class LibC
{
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;

    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;

    public const int SHUT_RDWR = 2;

    public const int EPIPE = 32;
    public const int ENETDOWN = 100;
    public const int ENETUNREACH = 101;
    public const int ENETRESET = 102;
    public const int ECONNABORTED = 103;
    public const int ECONNRESET = 104;
    public const int ETIMEDOUT = 110;
    public const int EHOSTUNREACH = 113;

    /// <summary>
    /// Size of <c>struct epoll_event</c>: the kernel declares it packed on x86-64 (12 bytes, data at
    /// offset 4); elsewhere it has natural alignment (16 bytes, data at offset 8). See epoll_ctl(2).
    /// </summary>
    public static readonly int epoll_event_size = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Offset of the 64-bit <c>data</c> member in <c>struct epoll_event</c>.</summary>
    public static readonly int epoll_event_data_offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport(libc, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, SafeSocketHandle fd, byte* @event);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* @event);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport(libc, SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nint count);

    // The SafeHandle parameter holds a reference on the descriptor for the length of the call, so a
    // concurrent close cannot hand the number to a new socket while it is in use.
    [LibraryImport(libc, SetLastError = true)]
    public static partial nint recv(SafeSocketHandle sockfd, byte* buf, nint len, int flags);

    [LibraryImport(libc, SetLastError = true)]
    public static partial nint send(SafeSocketHandle sockfd, byte* buf, nint len, int flags);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int shutdown(SafeSocketHandle sockfd, int how);
}
