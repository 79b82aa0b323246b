using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Tests.Systemd;

/// <summary>
/// Plays the service manager's side of sd_notify(3): a real AF_UNIX datagram socket, bound to a path in a
/// temporary directory or to an abstract name. <see cref="NotifySocket"/> is the NOTIFY_SOCKET value to hand out.
/// </summary>
internal sealed class NotifySocketReceiver : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string? _directory;

    private NotifySocketReceiver(bool abstractNamespace, string? abstractName = null)
    {
        if (abstractNamespace)
        {
            string name = abstractName ?? $"chatdaemon-test-notify-{Guid.NewGuid():N}";
            _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
            NotifySocket = "@" + name;
        }
        else
        {
            _directory = Directory.CreateTempSubdirectory("chatdaemon-notify-").FullName;
            NotifySocket = Path.Combine(_directory, "notify");
            _socket.Bind(new UnixDomainSocketEndPoint(NotifySocket));
        }
    }

    public static NotifySocketReceiver InDirectory() => new(abstractNamespace: false);

    public static NotifySocketReceiver Abstract() => new(abstractNamespace: true);

    public static NotifySocketReceiver AbstractNamed(string name) => new(abstractNamespace: true, name);

    public string NotifySocket { get; }

    /// <summary>The next datagram, or throws TimeoutException.</summary>
    public async Task<string> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        byte[] buffer = new byte[4096];
        try
        {
            int length = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no sd_notify datagram arrived");
        }
    }

    /// <summary>Datagrams already queued, without waiting.</summary>
    public List<string> Drain()
    {
        var datagrams = new List<string>();
        byte[] buffer = new byte[4096];
        while (_socket.Available > 0)
        {
            int length = _socket.Receive(buffer);
            datagrams.Add(Encoding.UTF8.GetString(buffer, 0, length));
        }

        return datagrams;
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
