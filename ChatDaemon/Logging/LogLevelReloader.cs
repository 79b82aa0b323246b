using ChatDaemon.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Logging;

// Takes Logging:MinimumLevel from a reload under the one reload contract: Prepare reads and checks
// the candidate's levels, Commit moves the level switches once the candidate is live. The switches
// stay Serilog's rather than Microsoft.Extensions.Logging's LoggerFilterOptions: the pipeline's own
// events and the syslog sink's level are Serilog-side, and the user-visible level names (Verbose,
// Fatal) are Serilog's.
internal sealed class LogLevelReloader(LogLevelSwitches switches, ILogger logger) : IReloadParticipant
{
    private MinimumLevelOptions? _prepared;

    public ReloadOrder Order => ReloadOrder.LogLevels;

    public Task<string?> PrepareAsync(IConfiguration candidate, CancellationToken cancellationToken)
    {
        var levels = new MinimumLevelOptions();
        candidate.GetSection(ChatDaemonLoggingOptions.SectionName).GetSection("MinimumLevel").Bind(levels);
        var failures = ChatDaemonLoggingOptionsValidator.CheckLevels(levels);
        if (failures.Count > 0)
        {
            // Validation refuses this first; kept so a level never reaches the switches unchecked.
            return Task.FromResult<string?>(string.Join("; ", failures));
        }

        _prepared = levels;
        return Task.FromResult<string?>(null);
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        var levels = _prepared!;
        _prepared = null;
        foreach (var category in switches.Update(levels))
        {
            LoggingLog.OverrideNeedsRestart(logger, category);
        }

        LoggingLog.LevelsReloaded(logger, levels.Default, levels.Override.Count);
        return Task.CompletedTask;
    }

    public Task RollbackAsync(CancellationToken cancellationToken)
    {
        _prepared = null;
        return Task.CompletedTask;
    }
}
