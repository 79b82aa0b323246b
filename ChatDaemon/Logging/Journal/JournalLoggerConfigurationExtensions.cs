using Serilog;
using Serilog.Configuration;
using Serilog.Events;

namespace ChatDaemon.Logging.Journal;

/// <summary>Adds the journald native-protocol sink to a Serilog configuration.</summary>
public static class JournalLoggerConfigurationExtensions
{
    /// <summary>
    /// Writes every event as one journal entry over journald's native protocol.
    /// </summary>
    /// <param name="sinkConfiguration">The sink configuration.</param>
    /// <param name="syslogIdentifier">SYSLOG_IDENTIFIER of every entry (journalctl -t).</param>
    /// <param name="facility">SYSLOG_FACILITY of every entry.</param>
    /// <param name="socketPath">journald's native socket.</param>
    /// <param name="restrictedToMinimumLevel">The minimum level for events passed to this sink.</param>
    public static LoggerConfiguration Journal(
        this LoggerSinkConfiguration sinkConfiguration,
        string syslogIdentifier = "chatdaemon",
        Syslog.Facility facility = Syslog.Facility.Daemon,
        string socketPath = JournalSocket.DefaultPath,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose)
    {
        var sink = new JournalSink(
            new JournalSocket(socketPath),
            new JournalEntryFormatter(syslogIdentifier, (int)facility),
            SelfLogSinkEvents.Instance);
        return sinkConfiguration.Sink(sink, restrictedToMinimumLevel);
    }
}
