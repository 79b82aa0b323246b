namespace ChatDaemon.Chat.Line;

/// <summary>
/// A set of line-protocol commands: lookup by name (case-insensitive) and the /help text, both made from the
/// same entries, so a command cannot exist without its help line.
/// </summary>
internal sealed class LineCommandTable
{
    private readonly Dictionary<string, LineCommand> _byName;

    public LineCommandTable(IEnumerable<LineCommand> commands)
    {
        All = commands.ToList();
        _byName = All.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        int width = All.Max(c => c.Usage.Length) + 2;
        var help = new List<byte[]> { LineText.Notice("commands:") };
        help.AddRange(All.Select(c => LineText.Notice("  " + c.Usage.PadRight(width) + c.Summary)));
        help.Add(LineText.Notice("any other line goes to everyone in your room; start it with // to send a line that begins with /"));
        HelpLines = help;
    }

    public IReadOnlyList<LineCommand> All { get; }

    /// <summary>The /help reply.</summary>
    public IReadOnlyList<byte[]> HelpLines { get; }

    public LineCommand? Find(string name) => _byName.GetValueOrDefault(name);
}
