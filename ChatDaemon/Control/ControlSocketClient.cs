using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Control;

/// <summary>Sends one command to the daemon's control socket and waits (bounded) for its answer.</summary>
public static class ControlSocketClient
{
    private const int MaxReplyBytes = 1024 * 1024;

    /// <summary>Sends off the caller's thread, for callers that do other things meanwhile.</summary>
    public static Task<ControlReply> SendAsync(string path, string command, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.Run(() => Send(path, command, timeout, cancellationToken), cancellationToken);

    /// <summary>
    /// Blocking calls on purpose: the control verbs are short-lived commands (`chatdaemon reload` is
    /// systemd's ExecReload=), and starting the asynchronous socket engine (its epoll thread, the
    /// thread pool) for one request and one reply measured about 40 ms of the command's run time.
    /// </summary>
    public static ControlReply Send(string path, string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cancel = cancellationToken.Register(socket.Dispose);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e)
        {
            return new ControlReply(false, false, $"cannot connect to {path}: {e.Message}");
        }

        try
        {
            socket.SendTimeout = Remaining(deadline);
            socket.Send(Encoding.UTF8.GetBytes(command + "\n"));

            // One reply line; a rejection reason can be long (it quotes the bad value), so read to the
            // newline however many receives it takes, up to a bound that no sane reply reaches.
            var reply = new MemoryStream();
            var buffer = new byte[4096];
            while (reply.Length < MaxReplyBytes)
            {
                socket.ReceiveTimeout = Remaining(deadline);
                int n = socket.Receive(buffer);
                if (n == 0)
                    break;
                reply.Write(buffer, 0, n);
                if (Array.IndexOf(buffer, (byte)'\n', 0, n) >= 0)
                    break;
            }

            var text = Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
            var newline = text.IndexOf('\n');
            if (newline < 0)
                return new ControlReply(false, false, $"connection to {path} closed without an answer");
            return ControlProtocol.ParseReply(text[..newline]);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return new ControlReply(false, false, $"no answer from {path} within {timeout.TotalSeconds:0.##} s");
        }
        catch (SocketException e)
        {
            return new ControlReply(false, false, $"control socket {path} failed: {e.Message}");
        }
        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static int Remaining(DateTime deadline) =>
        Math.Max(1, (int)Math.Min(int.MaxValue, (deadline - DateTime.UtcNow).TotalMilliseconds));
}
