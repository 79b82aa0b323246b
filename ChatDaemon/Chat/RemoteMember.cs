namespace ChatDaemon.Chat;

/// <summary>A member of another instance as its instance lists it: who it says it is (IRC's nick!user@host and realname).</summary>
public sealed record RemoteMember(string Nick, string User, string Host, string? RealName);
