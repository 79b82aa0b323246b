namespace ChatDaemon.Hosting;

public enum CommandVerb
{
    /// <summary>Run the server (the default).</summary>
    Run,
    CheckConfig,
    Reload,
    Status,
    Stop,
    Restart,
    Help,
    Version,
}
