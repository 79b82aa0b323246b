using System.Runtime.InteropServices;

#pragma warning disable CS8981 // lower-case names, as in libc and Tmds.LibC

namespace ChatDaemon.Interop;

// poll(2), used by ChatDaemon.Networking.SocketProbe to ask what a socket's state is without reading or writing it.
public static unsafe partial class LibC
{
    public const short POLLIN = 0x001;
    public const short POLLOUT = 0x004;
    public const short POLLERR = 0x008;
    public const short POLLHUP = 0x010;
    public const short POLLNVAL = 0x020;

    [StructLayout(LayoutKind.Sequential)]
    public struct pollfd
    {
        public int fd;
        public short events;
        public short revents;
    }

    [LibraryImport(libc, SetLastError = true)]
    public static partial int poll(pollfd* fds, nuint nfds, int timeout);
}
