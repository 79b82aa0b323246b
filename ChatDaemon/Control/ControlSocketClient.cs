using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Control;

/// <summary>Sends one command to the daemon's control socket and waits (bounded) for its answer.</summary>
public static class ControlSocketClient
{
    private const int MaxReplyBytes = 1024 * 1024;

    public static async Task<ControlReply> SendAsync(string path, string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token);
        }
        catch (SocketException e)
        {
            return new ControlReply(false, false, $"cannot connect to {path}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ControlReply(false, false, $"no answer from {path} within {timeout.TotalSeconds:0.##} s");
        }

        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(command + "\n"), SocketFlags.None, cts.Token);
            // One reply line; a rejection reason can be long (it quotes the bad value), so read to the
            // newline however many receives it takes, up to a bound that no sane reply reaches.
            var reply = new MemoryStream();
            var buffer = new byte[4096];
            while (reply.Length < MaxReplyBytes)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
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
        catch (SocketException e)
        {
            return new ControlReply(false, false, $"control socket {path} failed: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ControlReply(false, false, $"no answer from {path} within {timeout.TotalSeconds:0.##} s");
        }
    }
}
