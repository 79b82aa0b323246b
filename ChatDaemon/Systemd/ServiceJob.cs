namespace ChatDaemon.Systemd;

/// <summary>What the service manager is doing to this service when it is asked to stop (the unit's queued job).</summary>
public enum ServiceJob
{
    /// <summary>The manager could not be asked, or did not answer in time.</summary>
    Unknown,

    /// <summary>No job: the signal did not come from a job of systemd's (e.g. <c>kill</c>, <c>systemctl kill</c>).</summary>
    None,

    /// <summary><c>systemctl stop</c>, or a stop pulled in by another unit: the service goes away.</summary>
    Stop,

    /// <summary><c>systemctl restart</c>, <c>try-restart</c>, <c>reload-or-restart</c> of a service that cannot reload: it comes back.</summary>
    Restart,

    /// <summary>Another job type (start, reload, verify-active...).</summary>
    Other,
}
