namespace ChatDaemon.CommandLine;

/// <summary>What the command line asks for: the first word, or --help/--version anywhere.</summary>
public enum CommandVerb
{
    /// <summary>Run the server (the default): in the foreground, or detached with --daemon.</summary>
    Run,
    CheckConfig,
    Status,
    Stop,
    Reload,
    Restart,
    Upgrade,
    Help,
    Version,
}
