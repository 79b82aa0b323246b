using System.Globalization;
using System.Text;

namespace ChatDaemon.Configuration;

/// <summary>
/// What the daemon tells a reload requester that cannot wait on the control socket (the POSIX sh
/// <c>ExecReload=</c> script, deploy/chatdaemon-reload): how many reloads have started and completed in this
/// process, and how the last completed one ended. Reloads are serialised, so a requester that read
/// <see cref="Started"/> = n before asking is answered by the first state with <see cref="Completed"/> &gt; n:
/// reload n + 1 started after that read, so it read the configuration files as they were when the request
/// was made, whichever request (SIGHUP, control socket, coalesced signals) triggered it.
/// One line, space-separated, so that a shell's <c>read pid started completed result reason</c> splits it:
/// <c>PID STARTED COMPLETED none|applied|rejected [REASON]</c>.
/// </summary>
public sealed record ReloadAcknowledgement(int ProcessId, long Started, long Completed, ReloadAcknowledgementResult Result, string? Reason)
{
    /// <summary>Longest reason written; the script prints it to stderr, which goes to the journal.</summary>
    public const int MaxReasonLength = 512;

    public static ReloadAcknowledgement Initial(int processId) => new(processId, 0, 0, ReloadAcknowledgementResult.None, null);

    /// <summary>The state once the next reload has started (before it reads any configuration source).</summary>
    public ReloadAcknowledgement WithReloadStarted() => this with { Started = Started + 1 };

    /// <summary>The state once the reload that started last has ended with <paramref name="outcome"/>.</summary>
    public ReloadAcknowledgement WithReloadCompleted(ReloadOutcome outcome) => this with
    {
        Completed = Started,
        Result = outcome.Applied ? ReloadAcknowledgementResult.Applied : ReloadAcknowledgementResult.Rejected,
        Reason = outcome.Applied ? null : OneLine(outcome.Error ?? "rejected"),
    };

    /// <summary>
    /// Whether this state answers a request made when <see cref="Started"/> read <paramref name="startedWhenRequested"/>:
    /// a reload that started after the request has completed.
    /// </summary>
    public bool Answers(long startedWhenRequested) => Completed > startedWhenRequested;

    public string ToLine()
    {
        var line = new StringBuilder(64);
        line.Append(CultureInfo.InvariantCulture, $"{ProcessId} {Started} {Completed} {ResultWord(Result)}");
        if (Reason is { Length: > 0 })
        {
            line.Append(' ').Append(Reason);
        }

        return line.Append('\n').ToString();
    }

    public static bool TryParse(string line, out ReloadAcknowledgement acknowledgement)
    {
        acknowledgement = Initial(0);
        string[] fields = line.TrimEnd('\n').Split(' ', 5);
        if (fields.Length < 4
            || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int processId)
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long started)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long completed)
            || completed > started
            || ParseResult(fields[3]) is not { } result)
        {
            return false;
        }

        acknowledgement = new ReloadAcknowledgement(processId, started, completed, result, fields.Length == 5 ? fields[4] : null);
        return true;
    }

    private static string ResultWord(ReloadAcknowledgementResult result) => result switch
    {
        ReloadAcknowledgementResult.Applied => "applied",
        ReloadAcknowledgementResult.Rejected => "rejected",
        _ => "none",
    };

    private static ReloadAcknowledgementResult? ParseResult(string word) => word switch
    {
        "none" => ReloadAcknowledgementResult.None,
        "applied" => ReloadAcknowledgementResult.Applied,
        "rejected" => ReloadAcknowledgementResult.Rejected,
        _ => null,
    };

    // The reason quotes configuration values: control characters (a newline would end the line the
    // script reads) become spaces, and a long one is cut.
    private static string OneLine(string reason)
    {
        var text = new StringBuilder(Math.Min(reason.Length, MaxReasonLength));
        foreach (char c in reason.AsSpan(0, Math.Min(reason.Length, MaxReasonLength)))
        {
            text.Append(char.IsControl(c) ? ' ' : c);
        }

        if (reason.Length > MaxReasonLength)
        {
            text.Append("… (see the log)");
        }

        return text.ToString();
    }
}
