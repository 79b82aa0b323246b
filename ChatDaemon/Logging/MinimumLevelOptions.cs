namespace ChatDaemon.Logging;

/// <summary>
/// <c>Logging:MinimumLevel</c>, shaped like Serilog.Settings.Configuration's section of that name.
/// Level names: Verbose (or Trace), Debug, Information, Warning, Error, Fatal (or Critical), None.
/// </summary>
public sealed class MinimumLevelOptions
{
    /// <summary>The level of every category without an override. Default: Information.</summary>
    public string Default { get; set; } = "Information";

    /// <summary>
    /// Levels by category prefix, e.g. <c>"ChatDaemon.Networking": "Debug"</c>; the longest matching
    /// prefix wins. Changing a level applies on reload; a category added by a reload needs a restart.
    /// </summary>
    public Dictionary<string, string> Override { get; set; } = new(StringComparer.Ordinal);
}
