using ChatDaemon.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ChatDaemon.Tests.Logging;

public partial class LoggingCostTests
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Line from {Nick}: {Length} bytes")]
    private static partial void LineReceived(ILogger logger, string nick, int length);

    [Fact]
    public void Events_below_the_minimum_level_allocate_nothing()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Console:Enabled"] = "false",
            ["Logging:MinimumLevel:Default"] = "Information",
            ["Logging:MinimumLevel:Override:ChatDaemon.Networking"] = "Warning",
        }).Build();
        using var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddChatDaemonLogging(configuration, runningUnderSystemd: false))
            .BuildServiceProvider();
        var chat = provider.GetRequiredService<ILoggerFactory>().CreateLogger("ChatDaemon.Chat");
        var networking = provider.GetRequiredService<ILoggerFactory>().CreateLogger("ChatDaemon.Networking");
        LineReceived(chat, "alice", 1); // warm up
        LineReceived(networking, "alice", 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            LineReceived(chat, "alice", i);
            LineReceived(networking, "alice", i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
