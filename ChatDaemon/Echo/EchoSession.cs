using System.Buffers;
using System.IO.Pipelines;
using ChatDaemon.Networking;

namespace ChatDaemon.Echo;

/// <summary>
/// RFC 862 echo: every byte received is sent back unchanged until the client closes. Reading waits
/// for each flush, so a client that sends but does not read is held back by TCP backpressure and the
/// memory it can occupy is bounded by the transport's buffers.
/// </summary>
public sealed class EchoSession(ClientConnection connection) : ProtocolSession
{
    public override async Task<ShutdownReason> RunAsync(CancellationToken stopReading)
    {
        PipeReader input = connection.Input;
        PipeWriter output = connection.Output;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(stopReading).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopReading.IsCancellationRequested)
            {
                return ShutdownReason.ServerStopping;
            }

            var buffer = result.Buffer;
            foreach (var segment in buffer)
            {
                output.Write(segment.Span);
            }

            input.AdvanceTo(buffer.End);
            var flush = await output.FlushAsync().ConfigureAwait(false);
            if (result.IsCompleted || flush.IsCompleted)
            {
                return ShutdownReason.ClientClosed;
            }
        }
    }

    // Everything read was already written back and flushed; echo adds no text of its own.
    public override Task FinishAsync() => Task.CompletedTask;
}
