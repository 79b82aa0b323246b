namespace ChatDaemon.Chat.Line;

/// <summary>
/// One input line, split: a line starting with "/" is a command, its name and its argument (the rest of the
/// line without surrounding blanks); "//" starts a message that begins with "/"; anything else is a message.
/// </summary>
public readonly record struct LineInput(bool IsCommand, string Name, string Argument)
{
    public static LineInput Parse(string line)
    {
        if (line.Length == 0 || line[0] != '/')
        {
            return new LineInput(false, "", line);
        }

        if (line.StartsWith("//", StringComparison.Ordinal))
        {
            return new LineInput(false, "", line[1..]);
        }

        int space = line.IndexOfAny([' ', '\t']);
        string name = space < 0 ? line[1..] : line[1..space];
        string argument = space < 0 ? "" : line[(space + 1)..].Trim(' ', '\t');
        return new LineInput(true, name, argument);
    }
}
