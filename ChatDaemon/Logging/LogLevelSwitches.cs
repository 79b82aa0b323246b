using Serilog;
using Serilog.Core;

namespace ChatDaemon.Logging;

// The Serilog level switches behind Logging:MinimumLevel: one for the default and one per
// override category. Serilog fixes the set of override categories when the logger is built, so a
// reload can change every level but cannot add a category; an override removed by a reload
// follows the default level from then on.
internal sealed class LogLevelSwitches
{
    private readonly Dictionary<string, LoggingLevelSwitch> _overrides;

    private LogLevelSwitches(LoggingLevelSwitch defaultSwitch, Dictionary<string, LoggingLevelSwitch> overrides)
    {
        Default = defaultSwitch;
        _overrides = overrides;
    }

    public LoggingLevelSwitch Default { get; }

    public IReadOnlyDictionary<string, LoggingLevelSwitch> Overrides => _overrides;

    // Creates the switches from validated options.
    public static LogLevelSwitches Create(MinimumLevelOptions options)
    {
        var overrides = new Dictionary<string, LoggingLevelSwitch>(StringComparer.Ordinal);
        foreach (var (category, level) in options.Override)
        {
            overrides[category] = new LoggingLevelSwitch(LogLevelName.Parse(level));
        }

        return new LogLevelSwitches(new LoggingLevelSwitch(LogLevelName.Parse(options.Default)), overrides);
    }

    public void ApplyTo(LoggerConfiguration configuration)
    {
        configuration.MinimumLevel.ControlledBy(Default);
        foreach (var (category, levelSwitch) in _overrides)
        {
            configuration.MinimumLevel.Override(category, levelSwitch);
        }
    }

    // Applies validated options; returns the override categories that need a restart.
    public IReadOnlyList<string> Update(MinimumLevelOptions options)
    {
        var defaultLevel = LogLevelName.Parse(options.Default);
        Default.MinimumLevel = defaultLevel;
        foreach (var (category, levelSwitch) in _overrides)
        {
            levelSwitch.MinimumLevel = options.Override.TryGetValue(category, out var level)
                ? LogLevelName.Parse(level)
                : defaultLevel;
        }

        return options.Override.Keys.Where(category => !_overrides.ContainsKey(category)).ToList();
    }
}
