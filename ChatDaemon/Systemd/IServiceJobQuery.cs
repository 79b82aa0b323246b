namespace ChatDaemon.Systemd;

/// <summary>Asks the service manager what it is doing to this service now (a test seam over D-Bus).</summary>
public interface IServiceJobQuery
{
    /// <summary>The job queued for the unit of this process; <see cref="ServiceJob.Unknown"/> when that cannot be told within <paramref name="timeout"/>.</summary>
    Task<ServiceJob> GetJobAsync(TimeSpan timeout);
}
