using System.Net.Sockets;
using System.Text;
using Microsoft.Win32.SafeHandles;
using ChatDaemon.Interop;

namespace ChatDaemon.Logging.Journal;

// The client side of journald's native socket (systemd-journald.service(8)): an AF_UNIX datagram
// socket connected to the socket path. Connecting once saves the path lookup that addressing every
// datagram costs (about half the send); when journald restarts, the socket file is new and sends
// fail with ECONNREFUSED, so the socket is reconnected and the entry sent again. Sends never block
// (MSG_DONTWAIT): a full journald queue is EAGAIN, which the sink counts as a drop.
internal sealed unsafe class JournalSocket : IDisposable
{
    public const string DefaultPath = "/run/systemd/journal/socket";

    private const int SunPathCapacity = 108;

    private readonly UnixDomainSocketEndPoint _endPoint;
    private readonly int _sendBufferSize;
    private readonly object _gate = new();
    private Socket? _socket;
    private bool _disposed;

    public JournalSocket(string path = DefaultPath, int? sendBufferSize = null)
    {
        if (Encoding.UTF8.GetByteCount(path) >= SunPathCapacity)
        {
            throw new ArgumentException($"Journal socket path is longer than {SunPathCapacity - 1} bytes: {path}", nameof(path));
        }

        Path = path;
        _endPoint = new UnixDomainSocketEndPoint(path);

        // sd-journal raises SO_SNDBUF to 8 MiB so bursts fit; without CAP_NET_ADMIN the kernel caps
        // it at net.core.wmem_max. Entries bigger than the buffer take the memfd path (EMSGSIZE).
        _sendBufferSize = sendBufferSize ?? 8 * 1024 * 1024;
    }

    public string Path { get; }

    public JournalSendResult Send(ReadOnlySpan<byte> entry)
    {
        var errno = SendDatagram(entry);
        if (errno is LibC.ECONNREFUSED or LibC.ENOTCONN or LibC.ENOENT)
        {
            errno = SendDatagram(entry);
        }

        if (errno is LibC.EMSGSIZE or LibC.ENOBUFS)
        {
            // JOURNAL_NATIVE_PROTOCOL: an entry too large for a datagram is written to a sealed
            // memfd whose descriptor is sent alone with SCM_RIGHTS.
            errno = SendThroughMemfd(entry);
        }

        return errno switch
        {
            0 => JournalSendResult.Sent,
            LibC.EAGAIN => JournalSendResult.WouldBlock,
            _ => JournalSendResult.Failed,
        };
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _socket?.Dispose();
            _socket = null;
        }
    }

    private int SendDatagram(ReadOnlySpan<byte> entry)
    {
        fixed (byte* data = entry)
        {
            var iov = new LibC.iovec { iov_base = data, iov_len = (nuint)entry.Length };
            var message = new LibC.msghdr { msg_iov = &iov, msg_iovlen = 1 };
            return SendMessage(&message);
        }
    }

    private int SendThroughMemfd(ReadOnlySpan<byte> entry)
    {
        var name = "chatdaemon-journal-entry\0"u8;
        int fd;
        fixed (byte* namePointer = name)
        {
            fd = LibC.memfd_create(namePointer, LibC.MFD_CLOEXEC | LibC.MFD_ALLOW_SEALING);
        }

        if (fd < 0)
        {
            return LibC.errno;
        }

        using var memfd = new SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.Write(memfd, entry, 0);
        if (LibC.fcntl(fd, LibC.F_ADD_SEALS,
                LibC.F_SEAL_SHRINK | LibC.F_SEAL_GROW | LibC.F_SEAL_WRITE | LibC.F_SEAL_SEAL) < 0)
        {
            return LibC.errno;
        }

        const int ControlSize = 24; // CMSG_SPACE(sizeof(int)) on LP64
        var control = stackalloc byte[ControlSize];
        new Span<byte>(control, ControlSize).Clear();
        var header = (LibC.cmsghdr*)control;
        header->cmsg_len = (nuint)(sizeof(LibC.cmsghdr) + sizeof(int));
        header->cmsg_level = LibC.SOL_SOCKET;
        header->cmsg_type = LibC.SCM_RIGHTS;
        *(int*)(control + sizeof(LibC.cmsghdr)) = fd;

        var message = new LibC.msghdr { msg_control = control, msg_controllen = ControlSize };
        return SendMessage(&message);
    }

    private int SendMessage(LibC.msghdr* message)
    {
        var socket = Volatile.Read(ref _socket) ?? Connect();
        if (socket is null)
        {
            return LibC.ECONNREFUSED;
        }

        int errno;
        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            var fd = (int)socket.SafeHandle.DangerousGetHandle();
            errno = LibC.sendmsg(fd, message, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL) >= 0 ? 0 : LibC.errno;
        }
        catch (ObjectDisposedException)
        {
            return LibC.ENOTCONN;
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }

        // Disposed only after the reference above is released: closing a socket handle waits
        // for every holder to let go, including this thread.
        if (errno is LibC.ECONNREFUSED or LibC.ENOTCONN or LibC.ENOENT)
        {
            Forget(socket);
        }

        return errno;
    }

    private Socket? Connect()
    {
        lock (_gate)
        {
            if (_socket is not null || _disposed)
            {
                return _socket;
            }

            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            try
            {
                socket.SendBufferSize = _sendBufferSize;
            }
            catch (SocketException)
            {
            }

            try
            {
                socket.Connect(_endPoint);
            }
            catch (SocketException)
            {
                socket.Dispose();
                return null;
            }

            Volatile.Write(ref _socket, socket);
            return socket;
        }
    }

    private void Forget(Socket failed)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_socket, failed))
            {
                _socket = null;
                failed.Dispose();
            }
        }
    }
}
