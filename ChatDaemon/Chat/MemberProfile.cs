namespace ChatDaemon.Chat;

/// <summary>
/// Who a member says it is, for protocols that ask (IRC's USER, realname, AWAY and its published attributes):
/// kept apart from <see cref="ChatMember"/> so that a member of a protocol that asks nothing (the line protocol)
/// pays one null reference for it.
/// </summary>
internal sealed class MemberProfile
{
    public string User { get; set; } = ChatMember.DefaultUser;

    public string? RealName { get; set; }

    public string? AwayMessage { get; set; }

    public IReadOnlyDictionary<string, string>? Attributes { get; set; }
}
