using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using ChatDaemon.Interop;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Systemd;

/// <summary>
/// Talks to systemd's file descriptor store over the sd_notify socket: <c>FDSTORE=1</c> datagrams that carry
/// the descriptor as SCM_RIGHTS ancillary data (unix(7)), and <c>FDSTOREREMOVE=1</c>. One descriptor per
/// message, each under a name of its own: FDSTOREREMOVE removes every descriptor of a name, so a name shared
/// by several clients could not let one of them go. Never throws: a store that fails costs the client its
/// survival of a restart, not its connection.
/// </summary>
public sealed unsafe class FileDescriptorStore : IFileDescriptorStore, IDisposable
{
    /// <summary>CMSG_SPACE(sizeof(int)) on LP64: the header (16 bytes) and one int, padded to 8.</summary>
    private const int ControlBytes = 24;

    private readonly UnixDomainSocketEndPoint? _notifySocket;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Socket? _socket;
    private bool _failureLogged;
    private bool _disposed;

    public FileDescriptorStore(UnixDomainSocketEndPoint? notifySocket, ILogger<FileDescriptorStore> logger)
    {
        _notifySocket = notifySocket;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public bool IsEnabled => _notifySocket is not null;

    public bool Store(string name, SafeHandle descriptor, bool pollForHangup = true)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!FileDescriptorName.IsValid(name) || !name.StartsWith(FileDescriptorName.KeptPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid name for the store (1-{FileDescriptorName.MaxLength} printable ASCII characters, no ':', starting with '{FileDescriptorName.KeptPrefix}')", nameof(name));
        }

        string message = pollForHangup ? $"FDSTORE=1\nFDNAME={name}" : $"FDSTORE=1\nFDNAME={name}\nFDPOLL=0";
        bool added = false;
        try
        {
            descriptor.DangerousAddRef(ref added);
            return Send(message, (int)descriptor.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                descriptor.DangerousRelease();
            }
        }
    }

    public bool Remove(string name)
    {
        if (!FileDescriptorName.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid FDNAME", nameof(name));
        }

        return Send($"FDSTOREREMOVE=1\nFDNAME={name}", descriptor: -1);
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

    private bool Send(string message, int descriptor)
    {
        if (_notifySocket is null)
        {
            return false;
        }

        byte[] payload = Encoding.ASCII.GetBytes(message);
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            string error;
            try
            {
                _socket ??= Connect(_notifySocket);
                int errno = SendMessage(_socket, payload, descriptor);
                error = errno == 0 ? "" : $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
            }
            catch (SocketException exception)
            {
                error = $"{exception.Message} (connecting to {_notifySocket})";
            }

            if (error.Length == 0)
            {
                SystemdLog.FileDescriptorStoreSent(_logger, message.Replace('\n', ' '));
                return true;
            }

            // A manager that went away or restarted: connect again next time.
            _socket?.Dispose();
            _socket = null;
            if (!_failureLogged)
            {
                _failureLogged = true;
                SystemdLog.FileDescriptorStoreFailed(_logger, message.Replace('\n', ' '), error);
            }
            else
            {
                SystemdLog.FileDescriptorStoreFailedAgain(_logger, message.Replace('\n', ' '), error);
            }

            return false;
        }
    }

    private static Socket Connect(UnixDomainSocketEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One sendmsg(2): the text, and the descriptor as SCM_RIGHTS when there is one. Returns 0 or errno.</summary>
    private static int SendMessage(Socket socket, byte[] payload, int descriptor)
    {
        byte* control = stackalloc byte[ControlBytes];
        new Span<byte>(control, ControlBytes).Clear();
        fixed (byte* text = payload)
        {
            var iov = new LibC.iovec { iov_base = text, iov_len = (nuint)payload.Length };
            var message = new LibC.msghdr { msg_iov = &iov, msg_iovlen = 1 };
            if (descriptor >= 0)
            {
                var header = (LibC.cmsghdr*)control;
                header->cmsg_len = (nuint)(sizeof(LibC.cmsghdr) + sizeof(int));
                header->cmsg_level = LibC.SOL_SOCKET;
                header->cmsg_type = LibC.SCM_RIGHTS;
                *(int*)(control + sizeof(LibC.cmsghdr)) = descriptor;
                message.msg_control = control;
                message.msg_controllen = ControlBytes;
            }

            bool added = false;
            try
            {
                socket.SafeHandle.DangerousAddRef(ref added);
                int fd = (int)socket.SafeHandle.DangerousGetHandle();
                return LibC.sendmsg(fd, &message, LibC.MSG_NOSIGNAL) >= 0 ? 0 : LibC.errno;
            }
            finally
            {
                if (added)
                {
                    socket.SafeHandle.DangerousRelease();
                }
            }
        }
    }
}
