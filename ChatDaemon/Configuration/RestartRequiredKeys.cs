namespace ChatDaemon.Configuration;

/// <summary>
/// The one list of configuration keys read only at startup. A reload that changes any key under these
/// sections is rejected as a whole, naming the keys, instead of being reported applied while the
/// change is ignored (the way IRC servers' rehash refuses what it cannot apply live). Keys not changed
/// pass. Sections are matched as whole path segments, case-insensitively (configuration keys are).
/// </summary>
public static class RestartRequiredKeys
{
    /// <summary>
    /// <c>Transport</c>: the connection listener factory and its event loop threads are created once.
    /// <c>Logging:Journal</c>, <c>Logging:Console</c>, <c>Logging:Syslog</c>: the Serilog sinks are built
    /// once with the logger. <c>Backplane</c>: the broker connection is made once.
    /// (<c>Logging:MinimumLevel</c> is live; <c>Listen</c> is rebound.)
    /// </summary>
    public static IReadOnlyList<string> Sections { get; } =
    [
        "Transport",
        "Backplane",
        "Logging:Journal",
        "Logging:Console",
        "Logging:Syslog",
    ];

    /// <summary>The restart-required keys whose value differs between the two configurations, in name order.</summary>
    public static IReadOnlyList<string> Changed(
        IEnumerable<KeyValuePair<string, string?>> running,
        IEnumerable<KeyValuePair<string, string?>> candidate)
    {
        var before = Restricted(running);
        var after = Restricted(candidate);
        return before.Keys.Union(after.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(key => !string.Equals(Value(before, key), Value(after, key), StringComparison.Ordinal))
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>The reason a reload changing <paramref name="keys"/> is rejected.</summary>
    public static string Rejection(IReadOnlyList<string> keys) =>
        $"changes to {string.Join(", ", keys)} need a restart";

    public static bool Covers(string key) => Sections.Any(section =>
        key.Equals(section, StringComparison.OrdinalIgnoreCase)
        || (key.Length > section.Length && key[section.Length] == ':' && key.StartsWith(section, StringComparison.OrdinalIgnoreCase)));

    private static Dictionary<string, string?> Restricted(IEnumerable<KeyValuePair<string, string?>> data)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in data)
        {
            if (Covers(key))
            {
                result[key] = value;
            }
        }

        return result;
    }

    private static string? Value(Dictionary<string, string?> data, string key) => data.GetValueOrDefault(key);
}
