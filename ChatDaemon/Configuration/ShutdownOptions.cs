namespace ChatDaemon.Configuration;

/// <summary>Graceful stop (section <c>Shutdown</c>).</summary>
public sealed class ShutdownOptions
{
    /// <summary>
    /// Seconds to deliver what clients already sent before remaining connections are aborted.
    /// Keep it below the service manager's stop timeout (systemd TimeoutStopSec=).
    /// </summary>
    public double DrainTimeoutSeconds { get; set; } = 5;

    public TimeSpan DrainTimeout => TimeSpan.FromSeconds(DrainTimeoutSeconds);
}
