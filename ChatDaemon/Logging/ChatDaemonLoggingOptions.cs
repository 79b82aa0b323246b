using ChatDaemon.Logging.Console;
using ChatDaemon.Logging.Journal;
using ChatDaemon.Logging.Syslog;

namespace ChatDaemon.Logging;

/// <summary>
/// The <c>Logging</c> configuration section. Every value has a safe default: information level,
/// journald under systemd, stderr otherwise, syslog off. Keys and examples are in README.md, section Logging.
/// </summary>
public sealed class ChatDaemonLoggingOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Logging";

    /// <summary>Minimum level and per-category overrides; applied by every configuration reload.</summary>
    public MinimumLevelOptions MinimumLevel { get; set; } = new();

    /// <summary>The stderr sink. Needs a restart: a reload changing it is rejected (Configuration.RestartRequiredKeys).</summary>
    public ConsoleSinkOptions Console { get; set; } = new();

    /// <summary>The journald native-protocol sink. Needs a restart: a reload changing it is rejected (Configuration.RestartRequiredKeys).</summary>
    public JournalSinkOptions Journal { get; set; } = new();

    /// <summary>The syslog sink. Needs a restart: a reload changing it is rejected (Configuration.RestartRequiredKeys).</summary>
    public SyslogSinkOptions Syslog { get; set; } = new();
}
