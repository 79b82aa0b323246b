using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Systemd;

/// <summary>
/// Sends sd_notify(3) datagrams to the AF_UNIX socket named by NOTIFY_SOCKET. The variable is read once
/// and unset, so processes we start do not talk to systemd in our name.
/// </summary>
public sealed class SystemdNotifier : ISystemdNotifier, IDisposable
{
    private readonly ILogger _logger;
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly Lock _sendLock = new();
    private Socket? _socket;
    private bool _failureLogged;
    private bool _disposed;

    public SystemdNotifier(IProcessEnvironment environment, ILogger<SystemdNotifier> logger)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));

        string? address = environment.GetVariable(SystemdVariables.NotifySocket);
        if (string.IsNullOrEmpty(address))
        {
            return;
        }

        environment.UnsetVariable(SystemdVariables.NotifySocket);
        _endPoint = ParseAddress(address);
        if (_endPoint is null)
        {
            SystemdLog.NotifySocketUnsupported(_logger, address);
        }
    }

    public bool IsEnabled => _endPoint is not null;

    /// <summary>The notification socket (NOTIFY_SOCKET, read once), for the file descriptor store's messages.</summary>
    internal UnixDomainSocketEndPoint? EndPoint => _endPoint;

    /// <summary>
    /// sd_notify(3): an absolute path, or a leading "@" for the Linux abstract namespace (unix(7):
    /// the name then starts with a NUL byte). Other forms (vsock:, systemd 254+) are not supported.
    /// </summary>
    internal static UnixDomainSocketEndPoint? ParseAddress(string address)
    {
        if (address.Length > 1 && address[0] == '@')
        {
            return new UnixDomainSocketEndPoint("\0" + address[1..]);
        }

        return address.StartsWith('/') ? new UnixDomainSocketEndPoint(address) : null;
    }

    public void Notify(ServiceState state) => Notify([state]);

    /// <summary>The ecosystem's ServiceState, sent as it is (its text is the assignment), never throwing.</summary>
    void Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier.Notify(Microsoft.Extensions.Hosting.Systemd.ServiceState state) =>
        Notify(new ServiceState(state.ToString()));

    public void Notify(params ServiceState[] states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (_endPoint is null || states.Length == 0)
        {
            return;
        }

        string message = string.Join('\n', states);
        byte[] datagram = Encoding.UTF8.GetBytes(message);
        lock (_sendLock)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                _socket.SendTo(datagram, SocketFlags.None, _endPoint);
                SystemdLog.NotificationSent(_logger, message);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or IOException)
            {
                // A service manager that went away must not take the service with it: log the first
                // failure where an operator sees it, later ones only at debug level.
                if (!_failureLogged)
                {
                    _failureLogged = true;
                    SystemdLog.NotificationFailed(_logger, message, exception);
                }
                else
                {
                    SystemdLog.NotificationFailedAgain(_logger, message, exception.Message);
                }

                _socket?.Dispose();
                _socket = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_sendLock)
        {
            _disposed = true;
            _socket?.Dispose();
            _socket = null;
        }
    }
}
