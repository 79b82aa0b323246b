namespace ChatDaemon.Chat.Irc;

/// <summary>IRC commands by name (upper case, as the session looks them up).</summary>
internal sealed class IrcCommandTable(IEnumerable<IrcCommand> commands)
{
    private readonly Dictionary<string, IrcCommand> _byName = commands.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public IrcCommand? Find(string name) => _byName.GetValueOrDefault(name);
}
