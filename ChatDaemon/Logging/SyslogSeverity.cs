using Serilog.Events;

namespace ChatDaemon.Logging;

// The syslog(3) severities (RFC 5424 §6.2.1). journald's PRIORITY field and the sd-daemon(3)
// <N> prefixes use the same numbers, so every sink maps levels through here.
internal static class SyslogSeverity
{
    public const int Critical = 2;
    public const int Error = 3;
    public const int Warning = 4;
    public const int Informational = 6;
    public const int Debug = 7;

    // Fatal maps to crit, not emerg: journald broadcasts emerg to every terminal
    // (journald.conf(5) MaxLevelWall=emerg), which a chat daemon must never cause.
    public static int From(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => Debug,
        LogEventLevel.Information => Informational,
        LogEventLevel.Warning => Warning,
        LogEventLevel.Error => Error,
        _ => Critical,
    };
}
