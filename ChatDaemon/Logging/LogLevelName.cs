using Serilog.Events;

namespace ChatDaemon.Logging;

// Parses level names from configuration: Serilog's names plus the Microsoft.Extensions.Logging
// ones (Trace, Critical, None) so either vocabulary works.
internal static class LogLevelName
{
    // A level above Fatal: a switch set to it lets nothing through.
    public const LogEventLevel Off = LogEventLevel.Fatal + 1;

    public const string Accepted = "Verbose (or Trace), Debug, Information, Warning, Error, Fatal (or Critical), None";

    public static bool TryParse(string? name, out LogEventLevel level)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "verbose" or "trace":
                level = LogEventLevel.Verbose;
                return true;
            case "debug":
                level = LogEventLevel.Debug;
                return true;
            case "information":
                level = LogEventLevel.Information;
                return true;
            case "warning":
                level = LogEventLevel.Warning;
                return true;
            case "error":
                level = LogEventLevel.Error;
                return true;
            case "fatal" or "critical":
                level = LogEventLevel.Fatal;
                return true;
            case "none":
                level = Off;
                return true;
            default:
                level = default;
                return false;
        }
    }

    public static LogEventLevel Parse(string name) =>
        TryParse(name, out var level) ? level : throw new FormatException($"'{name}' is not a log level; use {Accepted}");
}
