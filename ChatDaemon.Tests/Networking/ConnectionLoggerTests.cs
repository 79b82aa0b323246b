using System.IO.Pipelines;
using System.Net;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using ChatDaemon.Tests.Logging;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace ChatDaemon.Tests.Networking;

public sealed class ConnectionLoggerTests
{
    [Fact]
    public void Events_logged_for_a_connection_carry_its_id_and_address_and_leave_no_scope_behind()
    {
        var sink = new CapturingSink();
        using var serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        using var factory = new SerilogLoggerFactory(serilog);
        var inner = factory.CreateLogger("ChatDaemon.Chat.Line.LineSession");
        var pipe = new Pipe();
        var context = new DefaultConnectionContext("c7", new Duplex(pipe.Reader, pipe.Writer), new Duplex(pipe.Reader, pipe.Writer))
        {
            RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 40000),
        };
        var logger = new ConnectionLogger(inner, new ClientConnection(context, ListenerProtocol.Chat));

        logger.LogWarning("for the connection");
        inner.LogWarning("after it");

        var events = sink.Events.ToArray();
        Assert.Equal(2, events.Length);
        var forConnection = events[0].Properties;
        Assert.Equal("c7", ((ScalarValue)forConnection["ConnectionId"]).Value);
        Assert.Equal("127.0.0.1:40000", ((ScalarValue)forConnection["RemoteEndPoint"]).Value);
        Assert.False(events[1].Properties.ContainsKey("ConnectionId"));
        Assert.False(events[1].Properties.ContainsKey("RemoteEndPoint"));
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
