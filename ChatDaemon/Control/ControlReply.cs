namespace ChatDaemon.Control;

/// <summary>The answer to one control command, as seen by the client.</summary>
/// <param name="Reachable">False when no daemon answered (no socket, refused, timed out).</param>
/// <param name="Ok">The daemon answered "ok".</param>
/// <param name="Text">The rest of the answer line: the reason after "error", the summary after "ok", or why the daemon was unreachable.</param>
public sealed record ControlReply(bool Reachable, bool Ok, string Text);
