namespace ChatDaemon.Logging;

// Which sinks run. Under systemd the journal's native protocol is the default (structured fields,
// no stream parsing); if its socket is missing (e.g. a container without journald) stderr is used
// instead. Outside systemd stderr is the default. Syslog runs only when enabled.
internal readonly record struct SinkSelection(bool Journal, bool Console, bool Syslog)
{
    public static SinkSelection Choose(ChatDaemonLoggingOptions options, bool runningUnderSystemd, bool journalSocketExists)
    {
        var journal = options.Journal.Enabled ?? (runningUnderSystemd && journalSocketExists);
        var console = options.Console.Enabled ?? !journal;
        return new SinkSelection(journal, console, options.Syslog.Enabled);
    }

    public override string ToString()
    {
        var names = new List<string>(3);
        if (Journal)
        {
            names.Add("journal");
        }

        if (Console)
        {
            names.Add("stderr");
        }

        if (Syslog)
        {
            names.Add("syslog");
        }

        return names.Count == 0 ? "nothing" : string.Join(", ", names);
    }
}
