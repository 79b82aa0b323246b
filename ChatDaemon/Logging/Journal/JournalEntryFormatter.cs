using Serilog.Events;

namespace ChatDaemon.Logging.Journal;

// Turns a Serilog event into one journal entry in the native protocol. Field names are listed in
// README.md ("Journal fields"); journalctl can filter on every one of them.
internal sealed class JournalEntryFormatter
{
    private readonly string _syslogIdentifier;
    private readonly int _facility;

    public JournalEntryFormatter(string syslogIdentifier, int facility)
    {
        _syslogIdentifier = syslogIdentifier;
        _facility = facility;
    }

    public void Format(LogEvent logEvent, PooledByteBuffer buffer)
    {
        var writer = ReusableStringWriter.Acquire();
        try
        {
            var text = writer.GetStringBuilder();
            JournalFieldWriter.Write(buffer, "PRIORITY", SyslogSeverity.From(logEvent.Level));
            JournalFieldWriter.Write(buffer, "SYSLOG_FACILITY", _facility);
            JournalFieldWriter.Write(buffer, "SYSLOG_IDENTIFIER", _syslogIdentifier);

            // The exception is part of MESSAGE as well, so plain `journalctl -u chatdaemon` shows the
            // stack trace as one entry, the way it would appear on stderr.
            var exception = logEvent.Exception?.ToString();
            LogEventText.WriteMessage(logEvent, writer);
            if (exception is not null)
            {
                text.Append('\n').Append(exception);
            }

            JournalFieldWriter.Write(buffer, "MESSAGE", text);
            text.Clear();

            var eventId = EventIdentity.From(logEvent);
            if (eventId.Id is { } id)
            {
                JournalFieldWriter.Write(buffer, "EVENT_ID", id);
            }

            if (eventId.Name is { } name)
            {
                JournalFieldWriter.Write(buffer, "EVENT_NAME", name);
            }

            if (SourceContext.Of(logEvent) is { } logger)
            {
                JournalFieldWriter.Write(buffer, "LOGGER", logger);
            }

            if (logEvent.Exception is { } ex)
            {
                JournalFieldWriter.Write(buffer, "EXCEPTION_TYPE", ex.GetType().FullName ?? ex.GetType().Name);
                JournalFieldWriter.Write(buffer, "EXCEPTION_MESSAGE", ex.Message);
                JournalFieldWriter.Write(buffer, "EXCEPTION", exception);
            }

            foreach (var (propertyName, value) in logEvent.Properties)
            {
                if (propertyName is EventIdentity.PropertyName or SourceContext.PropertyName)
                {
                    continue;
                }

                var field = CodeLocationField(propertyName) ?? JournalFieldName.ForProperty(propertyName);
                if (field is null)
                {
                    continue;
                }

                LogEventText.WriteValue(value, writer);
                JournalFieldWriter.Write(buffer, field, text);
                text.Clear();
            }
        }
        finally
        {
            writer.Release();
        }
    }

    // sd_journal_send(3) CODE_FILE/CODE_LINE/CODE_FUNC: filled when the event carries the caller
    // information (e.g. from [CallerMemberName] parameters or an enricher).
    private static string? CodeLocationField(string propertyName) => propertyName switch
    {
        "CallerFilePath" => "CODE_FILE",
        "CallerLineNumber" => "CODE_LINE",
        "CallerMemberName" => "CODE_FUNC",
        _ => null,
    };
}
