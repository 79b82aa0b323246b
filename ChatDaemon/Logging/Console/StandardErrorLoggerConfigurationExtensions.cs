using Serilog;
using Serilog.Configuration;
using Serilog.Events;

namespace ChatDaemon.Logging.Console;

/// <summary>Adds chatdaemon's stderr sink to a Serilog configuration.</summary>
public static class StandardErrorLoggerConfigurationExtensions
{
    /// <summary>
    /// Writes events to stderr: sd-daemon(3) <c>&lt;N&gt;</c>-prefixed single lines when stderr is
    /// connected to the journal ($JOURNAL_STREAM, systemd.exec(5)), otherwise readable lines with timestamps.
    /// </summary>
    /// <param name="sinkConfiguration">The sink configuration.</param>
    /// <param name="restrictedToMinimumLevel">The minimum level for events passed to this sink.</param>
    public static LoggerConfiguration StandardError(
        this LoggerSinkConfiguration sinkConfiguration,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose) =>
        sinkConfiguration.Sink(Create(SelfLogSinkEvents.Instance), restrictedToMinimumLevel);

    internal static ConsoleSink Create(ISinkEvents events)
    {
        IConsoleLineFormatter formatter = JournalStream.IsStandardErrorJournal()
            ? new JournalStreamLineFormatter()
            : new ReadableLineFormatter();
        return new ConsoleSink(System.Console.OpenStandardError(), formatter, events);
    }
}
