using Xunit;
using System.Text;
using ChatDaemon.Logging;
using ChatDaemon.Logging.Journal;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;

namespace ChatDaemon.Tests.Logging;

public partial class JournalFieldsFromILoggerTests
{
    [LoggerMessage(EventId = 201, EventName = "UserJoined", Level = LogLevel.Information, Message = "{Nick} joined")]
    private static partial void UserJoined(Microsoft.Extensions.Logging.ILogger logger, string nick);

    [Fact]
    public void Scope_properties_and_the_event_id_of_an_ILogger_call_become_journal_fields()
    {
        var sink = new CapturingSink();
        using var serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        using var factory = new SerilogLoggerFactory(serilog);
        var logger = factory.CreateLogger("ChatDaemon.Chat.Room");

        using (logger.BeginScope("{ConnectionId} {RemoteEndPoint}", 42, "127.0.0.1:5000"))
        using (logger.BeginScope(new Dictionary<string, object> { ["Nick"] = "alice" }))
        {
            UserJoined(logger, "alice");
        }

        var logEvent = Assert.Single(sink.Events);
        using var buffer = new PooledByteBuffer();
        new JournalEntryFormatter("chatdaemon", 3).Format(logEvent, buffer);
        var fields = Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n');

        Assert.Contains("MESSAGE=alice joined", fields);
        Assert.Contains("EVENT_ID=201", fields);
        Assert.Contains("EVENT_NAME=UserJoined", fields);
        Assert.Contains("LOGGER=ChatDaemon.Chat.Room", fields);
        Assert.Contains("CONNECTION_ID=42", fields);
        Assert.Contains("REMOTE_END_POINT=127.0.0.1:5000", fields);
        Assert.Contains("NICK=alice", fields);
    }
}
