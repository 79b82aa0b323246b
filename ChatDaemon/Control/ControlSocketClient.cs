using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Control;

/// <summary>Sends one command to the daemon's control socket and waits (bounded) for its answer.</summary>
public static class ControlSocketClient
{
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
            var buffer = new byte[4096];
            var received = 0;
            while (received < buffer.Length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, cts.Token);
                if (n == 0)
                    break;
                received += n;
                if (Array.IndexOf(buffer, (byte)'\n', 0, received) >= 0)
                    break;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, received);
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
