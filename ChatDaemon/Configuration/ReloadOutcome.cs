namespace ChatDaemon.Configuration;

/// <summary>The result of one configuration reload: applied, or rejected with the reason.</summary>
public sealed record ReloadOutcome(bool Applied, string? Error)
{
    public static ReloadOutcome Success { get; } = new(true, null);

    public static ReloadOutcome Rejected(string reason) => new(false, reason);
}
