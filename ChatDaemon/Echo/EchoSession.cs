using System.Buffers;
using System.IO.Pipelines;
using ChatDaemon.Networking;

namespace ChatDaemon.Echo;

/// <summary>
/// RFC 862 echo: every byte received is sent back unchanged until the client closes. Reading waits
/// for each send, so a client that sends but does not read is held back by TCP backpressure and the
/// memory it can occupy is bounded by the transport's buffers.
/// </summary>
public sealed class EchoSession(ClientConnection connection) : ProtocolSession
{
    public override async Task<ShutdownReason> RunAsync(CancellationToken stopReading)
    {
        PipeReader input = connection.Input;
        while (true)
        {
            // The server ends the pending read when it stops reading (ConnectionServer); the token is looked at
            // before each read for one that starts after that.
            if (stopReading.IsCancellationRequested)
            {
                return ShutdownReason.ServerStopping;
            }

            var result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            if (result.IsCanceled && stopReading.IsCancellationRequested)
            {
                input.AdvanceTo(result.Buffer.Start);
                return ShutdownReason.ServerStopping;
            }

            var buffer = result.Buffer;
            bool open = true;
            try
            {
                // Sent straight from the transport's receive buffers (valid until AdvanceTo): no copy, and
                // on a socket no hop to the transport's send queue (see ClientConnection.SendAsync).
                foreach (var segment in buffer)
                {
                    if (!await connection.SendAsync(segment).ConfigureAwait(false))
                    {
                        open = false;
                        break;
                    }
                }
            }
            finally
            {
                input.AdvanceTo(buffer.End);
            }

            if (result.IsCompleted || !open)
            {
                return ShutdownReason.ClientClosed;
            }
        }
    }

    // Everything read was already written back and flushed; echo adds no text of its own.
    public override Task FinishAsync() => Task.CompletedTask;
}
