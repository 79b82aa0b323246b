using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Tests.Chat;

/// <summary>A connection over two in-memory pipes: the test plays the client on the far ends.</summary>
internal sealed class InMemoryConnection
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();

    public InMemoryConnection(string id)
    {
        var context = new DefaultConnectionContext(id, new Duplex(_toServer.Reader, _toClient.Writer), new Duplex(_toClient.Reader, _toServer.Writer));
        Connection = new ClientConnection(context, ListenerProtocol.Chat);
    }

    public ClientConnection Connection { get; }

    public async Task SendAsync(string text)
    {
        await _toServer.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    public void CloseInput() => _toServer.Writer.Complete();

    /// <summary>The next CRLF-terminated line the server wrote.</summary>
    public async Task<string> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await _toClient.Reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is not null)
            {
                string line = Encoding.UTF8.GetString(buffer.Slice(0, lf.Value).ToArray()).TrimEnd('\r');
                _toClient.Reader.AdvanceTo(buffer.GetPosition(1, lf.Value));
                return line;
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("the server closed its output");
            }

            _toClient.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
