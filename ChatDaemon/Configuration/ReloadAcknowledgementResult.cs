namespace ChatDaemon.Configuration;

/// <summary>How the last completed reload ended, as <see cref="ReloadAcknowledgement"/> reports it.</summary>
public enum ReloadAcknowledgementResult
{
    /// <summary>No reload has completed in this process yet.</summary>
    None,

    Applied,

    Rejected,
}
