using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Daemon;

/// <summary>
/// The detached child's side of the readiness report: a unix datagram socket connected to the
/// waiting parent, in the style of sd_notify(3): "READY=1", or "ERROR=line\nEXIT_CODE=n".
/// It is connected before privileges are dropped, because the parent's socket lives in a
/// directory only root can enter; datagrams on a connected socket need no further path lookup.
/// </summary>
internal sealed class ReadinessChannel : IDisposable
{
    private readonly Socket _socket;
    private int _reported;

    private ReadinessChannel(Socket socket) => _socket = socket;

    public static ReadinessChannel Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new ReadinessChannel(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Tells the parent the daemon is serving; only the first report counts.</summary>
    public void ReportReady() => Send("READY=1");

    /// <summary>Tells the parent why startup failed; only the first report counts.</summary>
    public void ReportFailure(string message, int exitCode) =>
        Send($"ERROR={message.ReplaceLineEndings(" ")}\nEXIT_CODE={exitCode}");

    private void Send(string text)
    {
        if (Interlocked.Exchange(ref _reported, 1) != 0)
            return;
        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(text));
        }
        catch (SocketException)
        {
            // The parent gave up (timeout, killed): nobody is left to tell.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
