using System.Net.Sockets;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace ChatDaemon.Logging.Journal;

// The client side of journald's native socket (systemd-journald.service(8)): an unconnected
// AF_UNIX datagram socket that addresses every send to the socket path, so a journald restart
// (which recreates the socket file) needs no reconnect. Sends never block (MSG_DONTWAIT).
internal sealed unsafe class JournalSocket : IDisposable
{
    public const string DefaultPath = "/run/systemd/journal/socket";

    private const int AF_UNIX = 1;
    private const int SunPathOffset = 2;
    private const int SunPathCapacity = 108;

    private readonly Socket _socket;
    private readonly byte[] _address;

    public JournalSocket(string path = DefaultPath, int? sendBufferSize = null)
    {
        var pathBytes = Encoding.UTF8.GetBytes(path);
        if (pathBytes.Length >= SunPathCapacity)
        {
            throw new ArgumentException($"Journal socket path is longer than {SunPathCapacity - 1} bytes: {path}", nameof(path));
        }

        Path = path;
        _address = new byte[SunPathOffset + pathBytes.Length + 1];
        _address[0] = AF_UNIX;
        pathBytes.CopyTo(_address, SunPathOffset);

        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

        // sd-journal raises SO_SNDBUF to 8 MiB so bursts fit; without CAP_NET_ADMIN the kernel caps
        // it at net.core.wmem_max. Entries bigger than the buffer take the memfd path (EMSGSIZE).
        try
        {
            _socket.SendBufferSize = sendBufferSize ?? 8 * 1024 * 1024;
        }
        catch (SocketException)
        {
        }
    }

    public string Path { get; }

    public JournalSendResult Send(ReadOnlySpan<byte> entry)
    {
        var errno = SendDatagram(entry);
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

    public void Dispose() => _socket.Dispose();

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
        var added = false;
        try
        {
            _socket.SafeHandle.DangerousAddRef(ref added);
            fixed (byte* address = _address)
            {
                message->msg_name = address;
                message->msg_namelen = (uint)_address.Length;
                var fd = (int)_socket.SafeHandle.DangerousGetHandle();
                return LibC.sendmsg(fd, message, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL) < 0 ? LibC.errno : 0;
            }
        }
        catch (ObjectDisposedException)
        {
            return LibC.EAGAIN;
        }
        finally
        {
            if (added)
            {
                _socket.SafeHandle.DangerousRelease();
            }
        }
    }
}
