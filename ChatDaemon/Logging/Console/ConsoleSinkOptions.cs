namespace ChatDaemon.Logging.Console;

/// <summary><c>Logging:Console</c>: the stderr sink.</summary>
public sealed class ConsoleSinkOptions
{
    /// <summary>
    /// True or false forces the sink on or off; unset (the default) enables it whenever the journal
    /// sink is not used, i.e. outside systemd.
    /// </summary>
    public bool? Enabled { get; set; }
}
