namespace ChatDaemon.Configuration;

/// <summary>What carries room traffic between ChatDaemon instances.</summary>
public enum BackplaneKind
{
    /// <summary>Nothing: this instance is the whole chat (the default; no broker code runs).</summary>
    None,

    /// <summary>Redis pub/sub (section <c>Backplane:Redis</c>).</summary>
    Redis,
}
