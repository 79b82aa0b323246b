namespace ChatDaemon.Systemd;

/// <summary>Asks the service manager about this process's own unit (a test seam over D-Bus).</summary>
public interface IServiceManagerQuery
{
    /// <summary>The job queued for the unit of this process; <see cref="ServiceJob.Unknown"/> when that cannot be told within <paramref name="timeout"/>.</summary>
    Task<ServiceJob> GetJobAsync(TimeSpan timeout);

    /// <summary>The unit's <c>FileDescriptorStoreMax=</c> (0: no store); null when it cannot be told within <paramref name="timeout"/>.</summary>
    Task<uint?> GetFileDescriptorStoreMaxAsync(TimeSpan timeout);
}
