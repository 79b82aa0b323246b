namespace ChatDaemon.Configuration;

/// <summary>
/// Where configuration comes from, fixed at startup and read again on every reload:
/// built-in defaults, then the JSON file, then <c>CHATDAEMON_*</c> environment variables,
/// then command-line keys; <c>--listen</c> replaces the whole listener list.
/// </summary>
public sealed record ConfigurationInputs(
    string ConfigFile,
    bool ConfigFileRequired,
    IReadOnlyList<string> ListenOverrides,
    IReadOnlyList<string> CommandLineKeys)
{
    /// <summary>Defaults that depend on how the process runs (e.g. detached), below the file and everything after it.</summary>
    public IReadOnlyDictionary<string, string?> RunDefaults { get; init; } = new Dictionary<string, string?>();

    public const string DefaultConfigFile = "/etc/chatdaemon/chatdaemon.json";

    public const string EnvironmentPrefix = "CHATDAEMON_";

    public static ConfigurationInputs Defaults { get; } = new(DefaultConfigFile, false, [], []);
}
