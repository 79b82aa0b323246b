using System.Net.Sockets;
using System.Text;
using ChatDaemon.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ChatDaemon.Tests.Logging;

public sealed partial class ChatDaemonLoggingJournalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("journal-entry").FullName;
    private readonly Socket _journald = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly ServiceProvider _services;
    private readonly ILogger _logger;

    public ChatDaemonLoggingJournalTests()
    {
        var socketPath = Path.Combine(_directory, "socket");
        _journald.Bind(new UnixDomainSocketEndPoint(socketPath));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Journal:SocketPath"] = socketPath,
        }).Build();
        _services = new ServiceCollection()
            .AddLogging(logging => logging.AddChatDaemonLogging(configuration, runningUnderSystemd: true))
            .BuildServiceProvider();
        _logger = _services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatDaemon.Chat.Room");
    }

    public void Dispose()
    {
        _services.Dispose();
        _journald.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [LoggerMessage(EventId = 220, EventName = "NickChanged", Level = LogLevel.Information, Message = "{OldNick} is now {Nick}")]
    private static partial void NickChanged(ILogger logger, string oldNick, string nick);

    [Fact]
    public void Under_systemd_events_go_to_the_journal_socket_with_scope_fields()
    {
        DrainEntries(); // the pipeline's own start-up entries

        using (_logger.BeginScope("{ConnectionId} {RemoteEndPoint}", 7, "[::1]:40000"))
        {
            NickChanged(_logger, "bob", "alice");
        }

        var entry = Assert.Single(DrainEntries());
        Assert.Contains("MESSAGE=bob is now alice", entry);
        Assert.Contains("PRIORITY=6", entry);
        Assert.Contains("SYSLOG_IDENTIFIER=chatdaemon", entry);
        Assert.Contains("SYSLOG_FACILITY=3", entry);
        Assert.Contains("EVENT_ID=220", entry);
        Assert.Contains("EVENT_NAME=NickChanged", entry);
        Assert.Contains("NICK=alice", entry);
        Assert.Contains("OLD_NICK=bob", entry);
        Assert.Contains("CONNECTION_ID=7", entry);
        Assert.Contains("REMOTE_END_POINT=[::1]:40000", entry);
    }

    [Fact]
    public void Entries_dropped_while_journald_was_behind_are_reported_as_one_event()
    {
        DrainEntries();
        for (var i = 0; i < 3000; i++)
        {
            NickChanged(_logger, "bob", new string('a', 1000));
        }

        var received = DrainEntries().Count;
        Assert.True(received < 3000, "the receive queue never filled, so nothing was dropped");
        NickChanged(_logger, "bob", "carol");

        var entries = DrainEntries();
        Assert.Equal(2, entries.Count);
        Assert.Contains("NICK=carol", entries[0]);
        Assert.Contains("EVENT_NAME=LogEventsDropped", entries[1]);
        Assert.Contains("PRIORITY=4", entries[1]);
        Assert.Contains("SINK=Journal", entries[1]);
        Assert.Contains($"DROPPED_COUNT={3000 - received}", entries[1]);
        Assert.Contains("LOGGER=ChatDaemon.Logging", entries[1]);
    }

    private List<string[]> DrainEntries()
    {
        var entries = new List<string[]>();
        var buffer = new byte[65536];
        while (_journald.Poll(100_000, SelectMode.SelectRead))
        {
            var length = _journald.Receive(buffer);
            entries.Add(Encoding.UTF8.GetString(buffer, 0, length).Split('\n'));
        }

        return entries;
    }
}
