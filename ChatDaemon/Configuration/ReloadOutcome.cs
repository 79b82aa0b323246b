namespace ChatDaemon.Configuration;

/// <summary>
/// The result of one configuration reload: applied, or rejected with the reason. A rejection because
/// keys read only at startup changed also lists them in <see cref="NeedRestart"/>.
/// </summary>
public sealed record ReloadOutcome(bool Applied, string? Error)
{
    public static ReloadOutcome Success { get; } = new(true, null);

    /// <summary>The <see cref="RestartRequiredKeys"/> the rejected candidate changed; empty otherwise.</summary>
    public IReadOnlyList<string> NeedRestart { get; init; } = [];

    public static ReloadOutcome Rejected(string reason) => new(false, reason);

    public static ReloadOutcome Rejected(string reason, IReadOnlyList<string> needRestart) => new(false, reason) { NeedRestart = needRestart };
}
