namespace ChatDaemon.Control;

/// <summary>
/// The control socket's line protocol: the client sends one command line (<c>reload</c>, <c>status</c>, <c>restart</c>, <c>upgrade</c> or <c>generation</c>),
/// the daemon answers one line, <c>ok[ text]</c> or <c>error reason</c>, and closes.
/// </summary>
internal static class ControlProtocol
{
    public const string Reload = "reload";
    public const string Status = "status";
    public const string Restart = "restart";
    public const string Upgrade = "upgrade";
    public const string Generation = "generation";

    /// <summary>Commands are short; anything longer is a confused or hostile client.</summary>
    public const int MaxLineBytes = 256;

    public static string Ok(string? text) => string.IsNullOrEmpty(text) ? "ok" : "ok " + OneLine(text);

    public static string Error(string reason) => "error " + OneLine(reason);

    public static ControlReply ParseReply(string line)
    {
        if (line == "ok")
            return new ControlReply(true, true, "");
        if (line.StartsWith("ok ", StringComparison.Ordinal))
            return new ControlReply(true, true, line[3..]);
        if (line.StartsWith("error ", StringComparison.Ordinal))
            return new ControlReply(true, false, line[6..]);
        return new ControlReply(true, false, $"unexpected answer '{line}'");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
