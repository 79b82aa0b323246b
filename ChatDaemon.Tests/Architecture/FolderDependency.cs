namespace ChatDaemon.Tests.Architecture;

/// <summary>One reason why folder <see cref="From"/> depends on folder <see cref="To"/>: a type (or source file) of one uses a type (or namespace) of the other.</summary>
internal sealed record FolderDependency(string From, string To, string User, string Used)
{
    public override string ToString() => $"{From} -> {To}: {User} uses {Used}";
}
