namespace ChatDaemon.Chat;

/// <summary>
/// What a <see cref="MemberStateFile"/> held: the state of each member by the name its connection is stored
/// under, and what could not be read (one line each, for the log; those members come back as new guests).
/// </summary>
public sealed record MemberStateFileContents(IReadOnlyDictionary<string, MemberState> Members, IReadOnlyList<string> Problems);
