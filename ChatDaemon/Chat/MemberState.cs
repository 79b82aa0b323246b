namespace ChatDaemon.Chat;

/// <summary>
/// One member's state as plain data: what a new process needs to adopt a live connection and carry on as if
/// nothing happened (systemd's file descriptor store keeps the socket; this keeps the rest). It holds no
/// references to live objects. Written and read by <see cref="MemberStateCodec"/>.
/// </summary>
public sealed class MemberState
{
    /// <summary>The protocol the member speaks ("line"); a process refuses state for a protocol it does not serve.</summary>
    public required string Protocol { get; init; }

    public required string Nick { get; init; }

    /// <summary>The rooms it is in, in the order joined.</summary>
    public IReadOnlyList<string> Rooms { get; init; } = [];

    /// <summary>Output queued for the client and not yet handed to its socket, in order.</summary>
    public byte[] UnsentOutput { get; init; } = [];

    /// <summary>Input read from the client but not yet handled (a partial line, or lines held back by its rate).</summary>
    public byte[] PendingInput { get; init; } = [];

    /// <summary>
    /// The client is in the middle of a line over the length limit, which is being skipped up to its LF: the
    /// bytes it sends next are the rest of that line, not a new one.
    /// </summary>
    public bool SkippingLongLine { get; init; }

    /// <summary>Line-rate tokens left in the member's bucket; NaN for a full bucket (not yet used).</summary>
    public double RateTokens { get; init; } = double.NaN;

    /// <summary>Lines the member said in rooms.</summary>
    public long LinesSent { get; init; }

    /// <summary>Lines refused to it as too long.</summary>
    public long LinesTooLong { get; init; }

    /// <summary>
    /// What its protocol keeps beyond the above, by name (IRC: user, realname, away message); a protocol ignores
    /// names it does not know.
    /// </summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}
