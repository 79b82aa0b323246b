namespace ChatDaemon.Networking;

/// <summary>
/// Client connections a previous image of this process left open for it (a classic daemon's restart or upgrade
/// by re-execution), with what each session saved; they are adopted before the server accepts anyone.
/// </summary>
public interface IConnectionInheritance
{
    /// <summary>The inherited connections, once (later calls return none).</summary>
    IReadOnlyList<HandedOverConnection> Take();
}

internal sealed class NoConnectionInheritance : IConnectionInheritance
{
    public IReadOnlyList<HandedOverConnection> Take() => [];
}
