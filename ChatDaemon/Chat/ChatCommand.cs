namespace ChatDaemon.Chat;

/// <summary>
/// One parsed input line. A line starting with "/" is a command, its name case-insensitive and its
/// argument the rest of the line without leading blanks; "//" starts a message that begins with "/".
/// </summary>
public readonly record struct ChatCommand(ChatCommandKind Kind, string Name, string Argument)
{
    public static ChatCommand Parse(string line)
    {
        if (line.Length == 0 || line[0] != '/')
        {
            return new ChatCommand(ChatCommandKind.Message, "", line);
        }

        if (line.StartsWith("//", StringComparison.Ordinal))
        {
            return new ChatCommand(ChatCommandKind.Message, "", line[1..]);
        }

        int space = line.IndexOfAny([' ', '\t']);
        string name = space < 0 ? line[1..] : line[1..space];
        string argument = space < 0 ? "" : line[(space + 1)..].Trim(' ', '\t');
        var kind = name.ToLowerInvariant() switch
        {
            "nick" => ChatCommandKind.Nick,
            "join" => ChatCommandKind.Join,
            "who" => ChatCommandKind.Who,
            "rooms" => ChatCommandKind.Rooms,
            "msg" => ChatCommandKind.Msg,
            "me" => ChatCommandKind.Me,
            "quit" => ChatCommandKind.Quit,
            "help" => ChatCommandKind.Help,
            _ => ChatCommandKind.Unknown,
        };
        return new ChatCommand(kind, name, argument);
    }
}
