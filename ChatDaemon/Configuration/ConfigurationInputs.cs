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
    public const string DefaultConfigFile = "/etc/chatdaemon/chatdaemon.json";

    public const string EnvironmentPrefix = "CHATDAEMON_";

    public static ConfigurationInputs Defaults { get; } = new(DefaultConfigFile, false, [], []);
}
