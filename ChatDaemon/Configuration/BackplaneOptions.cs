namespace ChatDaemon.Configuration;

/// <summary>
/// Room traffic across instances (section <c>Backplane</c>). Needs a restart: the broker connection is made once
/// at start, so a reload changing any key here is rejected (<see cref="RestartRequiredKeys"/>).
/// </summary>
public sealed class BackplaneOptions
{
    /// <summary><see cref="BackplaneKind.None"/> (default: one instance, exactly as without a backplane) or <see cref="BackplaneKind.Redis"/>.</summary>
    public BackplaneKind Kind { get; set; } = BackplaneKind.None;

    /// <summary>The Redis broker; read only when <see cref="Kind"/> is <see cref="BackplaneKind.Redis"/>.</summary>
    public RedisBackplaneOptions Redis { get; set; } = new();
}
