namespace ChatDaemon.Configuration;

/// <summary>
/// Re-reads every configuration source, validates it with the startup rules, and applies it
/// atomically or rejects it. Calls are serialised: a reload requested while one runs waits for it.
/// Triggered by SIGHUP and by the control socket (<c>chatdaemon reload</c>).
/// </summary>
public interface IConfigurationReloader
{
    Task<ReloadOutcome> ReloadAsync(CancellationToken cancellationToken);
}
