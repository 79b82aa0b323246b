using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace ChatDaemon.Logging;

// Re-reads Logging:MinimumLevel whenever the configuration root fires its reload token
// (the daemon does so after a validated SIGHUP reload) and moves the level switches, so levels
// change without a restart. Levels that fail validation leave the current ones in place.
internal sealed class LogLevelReloader : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly LogLevelSwitches _switches;
    private readonly ILogger _logger;
    private readonly IDisposable _subscription;

    public LogLevelReloader(IConfiguration configuration, LogLevelSwitches switches, ILogger logger)
    {
        _configuration = configuration;
        _switches = switches;
        _logger = logger;
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public void Dispose() => _subscription.Dispose();

    private void Reload()
    {
        var levels = new MinimumLevelOptions();
        _configuration.GetSection(ChatDaemonLoggingOptions.SectionName).GetSection("MinimumLevel").Bind(levels);
        var failures = ChatDaemonLoggingOptionsValidator.CheckLevels(levels);
        if (failures.Count > 0)
        {
            LoggingLog.LevelsReloadIgnored(_logger, string.Join("; ", failures));
            return;
        }

        foreach (var category in _switches.Update(levels))
        {
            LoggingLog.OverrideNeedsRestart(_logger, category);
        }

        LoggingLog.LevelsReloaded(_logger, levels.Default, levels.Override.Count);
    }
}
