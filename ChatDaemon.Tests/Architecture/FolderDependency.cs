namespace ChatDaemon.Tests.Architecture;

// One reason why folder From depends on folder To: a type (or source file) of one uses a type (or namespace) of the other.
internal sealed record FolderDependency(string From, string To, string User, string Used)
{
    public override string ToString() => $"{From} -> {To}: {User} uses {Used}";
}
