namespace ChatDaemon.Control;

/// <summary>What the control socket's <c>restart</c>, <c>upgrade</c> and <c>generation</c> commands act on.</summary>
public interface IHandoverRequests
{
    /// <summary>How many times this daemon was handed over to a new image since it was started (0: never).</summary>
    int Generation { get; }

    /// <summary>
    /// Checks that a handover can work (the target runs and accepts the configuration) and reserves it. Returns
    /// null when it can go ahead (<see cref="Begin"/>), or why it is refused; a reason starting with
    /// <c>unsupported:</c> means only a restart that disconnects clients is possible.
    /// </summary>
    Task<string?> PrepareAsync(HandoverKind kind, CancellationToken cancellationToken);

    /// <summary>After a successful <see cref="PrepareAsync"/>: stops the daemon, which then re-executes with every connection open.</summary>
    void Begin();
}

/// <summary><c>restart</c>: the same program image again; <c>upgrade</c>: the program installed at the daemon's path now.</summary>
public enum HandoverKind
{
    Restart,
    Upgrade,
}
