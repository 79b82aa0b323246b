namespace ChatDaemon.Configuration;

/// <summary>
/// The order in which <see cref="ConfigurationReloader"/> calls its participants, declared here rather
/// than implied by DI registration order. Every phase (reloading, prepare, commit, reloaded) runs in
/// ascending order; rollback runs in the reverse of prepare.
/// </summary>
public enum ReloadOrder
{
    /// <summary>Listeners bind first: a bind failure is the likeliest reason to reject a reload.</summary>
    Listeners = 100,

    /// <summary>Log levels move once the candidate is live.</summary>
    LogLevels = 200,

    /// <summary>
    /// sd_notify RELOADING=1 / READY=1 (systemd 253, Type=notify-reload). Before the acknowledgement file:
    /// the file must say "completed" only once READY=1 has been sent, or ExecReload= could return first.
    /// </summary>
    ServiceStatus = 900,

    /// <summary>The file ExecReload= waits on (see ReloadAcknowledgementFile).</summary>
    AcknowledgementFile = 910,
}
