using ChatDaemon.Logging;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// A child-process program for the real-journald tests, started as a transient unit with systemd-run.
/// The daemon cannot be made to log an unexpected exception, or an entry of several megabytes, on
/// purpose; this program logs them through the daemon's own pipeline
/// (<see cref="ChatDaemonLogging.AddChatDaemonLogging"/> with the default Logging section, i.e. the
/// journald native sink at /run/systemd/journal/socket when started by systemd), then exits.
/// <code>
/// dotnet exec ChatDaemon.Tests.dll journal-probe exception MARKER EXPECTED_TEXT_FILE
/// dotnet exec ChatDaemon.Tests.dll journal-probe large MARKER PAYLOAD_LENGTH
/// </code>
/// <c>exception</c> logs an error with a really thrown exception (stack trace) that has a two-line
/// message and an inner exception, and writes its <c>Exception.ToString()</c> to the file for the test
/// to compare. <c>large</c> logs a warning whose message carries <see cref="Payload"/> of that length.
/// </summary>
internal static partial class JournalProbe
{
    public const string Mode = "journal-probe";

    public static int Run(string[] args)
    {
        switch (args)
        {
            case ["exception", string marker, string expectedTextFile]:
                WithLogger(logger => LogException(logger, marker, expectedTextFile));
                return 0;
            case ["large", string marker, string lengthText] when int.TryParse(lengthText, out int length):
                WithLogger(logger => LargeEntry(logger, marker, Payload(length)));
                return 0;
            default:
                Console.Error.WriteLine($"usage: dotnet exec ChatDaemon.Tests.dll {Mode} exception MARKER EXPECTED_TEXT_FILE | large MARKER PAYLOAD_LENGTH");
                return 64; // EX_USAGE, sysexits(3)
        }
    }

    /// <summary>Letters and digits, the same for the same length, so the test can compare without reading a file.</summary>
    public static string Payload(int length)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var random = new Random(length);
        return string.Create(length, random, (span, r) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = Letters[r.Next(Letters.Length)];
            }
        });
    }

    private static void WithLogger(Action<ILogger> log)
    {
        IConfiguration configuration = new ConfigurationBuilder().Build();
        using ServiceProvider services = new ServiceCollection()
            .AddLogging(logging => logging.AddChatDaemonLogging(configuration, SystemdEnvironment.IsSystemdService()))
            .BuildServiceProvider();
        log(services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatDaemon.Tests.JournalProbe"));
    }

    private static void LogException(ILogger logger, string marker, string expectedTextFile)
    {
        try
        {
            FailTwice(marker);
        }
        catch (IOException exception)
        {
            ProbeFailed(logger, marker, exception);
            File.WriteAllText(expectedTextFile, exception.ToString());
        }
    }

    private static void FailTwice(string marker)
    {
        try
        {
            throw new InvalidOperationException("inner failure\nsecond line of the inner message");
        }
        catch (InvalidOperationException inner)
        {
            throw new IOException($"outer failure {marker}\nsecond line of the outer message", inner);
        }
    }

    // Test-only events, outside every EventId range of the product.
    [LoggerMessage(EventId = 9001, EventName = "JournalProbeFailed", Level = LogLevel.Error, Message = "Probe {Marker} failed unexpectedly")]
    private static partial void ProbeFailed(ILogger logger, string marker, Exception exception);

    [LoggerMessage(EventId = 9002, EventName = "JournalProbeLargeEntry", Level = LogLevel.Warning, Message = "Probe {Marker} carries {Payload}")]
    private static partial void LargeEntry(ILogger logger, string marker, string payload);
}
