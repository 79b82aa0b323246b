namespace ChatDaemon.Systemd;

/// <summary>
/// Supplies the one-line status shown by <c>systemctl status</c> (sd_notify(3) STATUS=), e.g.
/// "42 clients in 3 rooms, 1234 messages". Registered by the application; polled by <see cref="SystemdStatusPublisher"/>.
/// </summary>
public interface IServiceStatusSource
{
    /// <summary>The current status text, or null for none yet. Called once a second; must be cheap.</summary>
    string? CurrentStatus { get; }
}
