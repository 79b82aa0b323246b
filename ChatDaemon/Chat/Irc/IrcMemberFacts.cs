namespace ChatDaemon.Chat.Irc;

/// <summary>
/// What IRC replies need to know of any member, whatever its protocol, read from what its session last published
/// (<see cref="ChatMember.Attributes"/>, kept current on registration, MODE, AWAY and restore): no field of its own
/// on every member, since most members are idle and each byte counts (README "Memory").
/// </summary>
internal static class IrcMemberFacts
{
    /// <summary>
    /// An IRC client that holds a nick but has not finished registering (between NICK and USER, or waiting for CAP
    /// END): an unknown connection, not a user (RFC 2812 section 3.4.2, RPL_LUSERUNKNOWN), listed by no search.
    /// Members of protocols without registration never are.
    /// </summary>
    public static bool IsRegistering(ChatMember member) =>
        member.Renderer.ProtocolName == IrcRenderer.ProtocolNameValue
        && member.Attributes?.GetValueOrDefault(IrcSession.RegisteredAttribute) != "1";

    /// <summary>User mode +i (modern.ircdocs.horse, "Invisible User Mode"): left out of WHO masks for those who share no channel with it.</summary>
    public static bool IsInvisible(ChatMember member) =>
        member.Attributes?.GetValueOrDefault(IrcSession.InvisibleAttribute) == "1";
}
