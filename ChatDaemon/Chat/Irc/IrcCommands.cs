using System.Globalization;
using System.Text;
using ChatDaemon.Configuration;

namespace ChatDaemon.Chat.Irc;

/// <summary>
/// The IRC commands besides PRIVMSG and NOTICE (which <see cref="IrcSession"/> handles on its allocation-free
/// path), after RFC 2812 section 3 and modern.ircdocs.horse. There are no channel operators: every member of a
/// room is equal, as in the line protocol, so what needs an operator is refused with ERR_CHANOPRIVSNEEDED.
/// </summary>
internal static class IrcCommands
{
    /// <summary>Targets of one PRIVMSG or NOTICE (TARGMAX).</summary>
    public const int MaxTargets = 4;

    /// <summary>The longest topic kept (TOPICLEN), in characters.</summary>
    public const int MaxTopicLength = 390;

    /// <summary>The longest away message kept (AWAYLEN), in characters.</summary>
    public const int MaxAwayLength = 200;

    /// <summary>User modes (RPL_MYINFO): +i is accepted and shown.</summary>
    public const string UserModes = "i";

    /// <summary>Channel modes (RPL_MYINFO): every channel is +n (no messages from outside), which cannot be changed.</summary>
    public const string ChannelModes = "n";

    public static IReadOnlyList<IrcCommand> All { get; } =
    [
        new("PASS", 1, Pass, BeforeRegistration: true),
        new("NICK", 0, Nick, BeforeRegistration: true),
        new("USER", 4, User, BeforeRegistration: true),
        new("CAP", 1, Cap, BeforeRegistration: true),
        new("PING", 0, Ping, BeforeRegistration: true),
        new("PONG", 0, static (_, _) => true, BeforeRegistration: true),
        new("QUIT", 0, Quit, BeforeRegistration: true),
        new("JOIN", 1, Join),
        new("PART", 1, Part),
        new("TOPIC", 1, Topic),
        new("NAMES", 0, Names),
        new("LIST", 0, List),
        new("WHO", 0, Who, WalksSharedState: true),
        new("WHOIS", 1, Whois),
        new("MODE", 1, Mode),
        new("AWAY", 0, Away),
        new("INVITE", 2, Invite),
        new("KICK", 2, Kick),
        new("ISON", 1, IsOn),
        new("USERHOST", 1, UserHost),
        new("MOTD", 0, Motd),
        new("LUSERS", 0, Lusers, WalksSharedState: true),
        new("VERSION", 0, Version),
        new("TIME", 0, Time),
        new("OPER", 2, static (s, _) => Reply(s, IrcNumeric.NoOperHost, "No O-lines for your host")),
        new("KILL", 2, static (s, _) => Reply(s, IrcNumeric.NoPrivileges, "Permission Denied- You're not an IRC operator")),
    ];

    public static IrcCommandTable Table { get; } = new(All);

    /// <summary>What RPL_ISUPPORT announces (modern.ircdocs.horse, "RPL_ISUPPORT Tokens").</summary>
    public static IEnumerable<string> SupportTokens(IrcOptions options) =>
    [
        $"AWAYLEN={MaxAwayLength}",
        "CASEMAPPING=ascii",
        "CHANLIMIT=#:",
        "CHANMODES=,,,n",
        $"CHANNELLEN={RoomName.MaxLength + 1}",
        "CHANTYPES=#",
        "ELIST=",
        $"NETWORK={options.Network}",
        $"NICKLEN={NickName.MaxLength}",
        "PREFIX=",
        "STATUSMSG=",
        $"TARGMAX=JOIN:,PART:,NAMES:1,LIST:1,WHOIS:1,PRIVMSG:{MaxTargets},NOTICE:{MaxTargets}",
        $"TOPICLEN={MaxTopicLength}",
        $"USERLEN={IrcUser.MaxLength + 1}",
    ];

    private static bool Reply(IrcSession session, string code, params ReadOnlySpan<string> parameters)
    {
        session.Numeric(code, parameters);
        return true;
    }

    private static bool Pass(IrcSession session, string[] p) =>
        !session.IsRegistered || Reply(session, IrcNumeric.AlreadyRegistered, "You may not reregister");

    private static bool Nick(IrcSession session, string[] p)
    {
        string nick = p.Length > 0 ? p[0] : "";
        if (nick.Length == 0)
        {
            return Reply(session, IrcNumeric.NoNicknameGiven, "No nickname given");
        }

        if (!NickName.IsValid(nick))
        {
            return Reply(session, IrcNumeric.ErroneousNickname, nick, "Erroneous nickname");
        }

        if (string.Equals(nick, session.Nick, StringComparison.Ordinal))
        {
            return true;
        }

        // Other instances are asked whether the nick is free: a round trip that must not hold up the event loop.
        if (session.Hub.Backplane is not null)
        {
            session.ContinueOffLoop(() => TakeNickAsync(session, nick));
            return true;
        }

        // Without a backplane nothing is waited for: the change is done when this returns.
        return TakeNickAsync(session, nick).GetAwaiter().GetResult();
    }

    private static async Task<bool> TakeNickAsync(IrcSession session, string nick)
    {
        if (!session.IsRegistered)
        {
            if (!await session.Hub.TryClaimNickAsync(nick, session.Member).ConfigureAwait(false))
            {
                return Reply(session, IrcNumeric.NicknameInUse, nick, "Nickname is already in use");
            }

            session.TryCompleteRegistration();
            return true;
        }

        string source = session.Source;
        if (!await session.TryChangeNickAsync(nick).ConfigureAwait(false))
        {
            return Reply(session, IrcNumeric.NicknameInUse, nick, "Nickname is already in use");
        }

        session.Send(IrcText.Line(source, "NICK", nick));
        return true;
    }

    private static bool User(IrcSession session, string[] p)
    {
        if (session.IsRegistered)
        {
            return Reply(session, IrcNumeric.AlreadyRegistered, "You may not reregister");
        }

        session.GiveUser(IrcUser.FromGiven(p[0]), p[3]);
        return true;
    }

    /// <summary>IRCv3 capability negotiation, with no capabilities offered: LS and LIST answer an empty list, REQ is refused.</summary>
    private static bool Cap(IrcSession session, string[] p)
    {
        string server = session.ServerName;
        switch (p[0].ToUpperInvariant())
        {
            case "LS":
                session.BeginCapabilityNegotiation();
                session.Send(IrcText.Line(server, "CAP", session.ReplyNick, "LS", ""));
                break;
            case "LIST":
                session.Send(IrcText.Line(server, "CAP", session.ReplyNick, "LIST", ""));
                break;
            case "REQ":
                session.BeginCapabilityNegotiation();
                session.Send(IrcText.Line(server, "CAP", session.ReplyNick, "NAK", p.Length > 1 ? p[1] : ""));
                break;
            case "END":
                session.EndCapabilityNegotiation();
                break;
            default:
                return Reply(session, IrcNumeric.InvalidCapCommand, p[0], "Invalid CAP command");
        }

        return true;
    }

    private static bool Ping(IrcSession session, string[] p)
    {
        if (p.Length == 0 || p[0].Length == 0)
        {
            return Reply(session, IrcNumeric.NoOrigin, "No origin specified");
        }

        session.Send(IrcText.Line(session.ServerName, "PONG", session.ServerName, p[0]));
        return true;
    }

    private static bool Quit(IrcSession session, string[] p)
    {
        session.QuitReason = p.Length > 0 ? p[0] : "";
        return false;
    }

    /// <summary>JOIN #a,#b (keys ignored: no channel has one); JOIN 0 leaves every channel (RFC 2812 section 3.2.1).</summary>
    private static bool Join(IrcSession session, string[] p)
    {
        if (p[0] == "0")
        {
            foreach (var joined in session.Member.Rooms.ToArray())
            {
                PartRoom(session, joined, "");
            }

            return true;
        }

        foreach (string channel in p[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IsChannel(channel))
            {
                Reply(session, IrcNumeric.NoSuchChannel, channel, "No such channel");
                continue;
            }

            if (session.JoinedRoom(channel) is not null)
            {
                continue;
            }

            var room = session.JoinRoom(channel[1..]);
            session.SendFromSelf("JOIN", IrcText.Channel(room.Name));
            if (room.Topic is { } topic)
            {
                SendTopic(session, room, topic);
            }

            SendNamesOfEveryInstance(session, room);
        }

        return true;
    }

    private static bool Part(IrcSession session, string[] p)
    {
        string reason = p.Length > 1 ? p[1] : "";
        foreach (string channel in p[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (session.JoinedRoom(channel) is { } room)
            {
                PartRoom(session, room, reason);
            }
            else if (IsChannel(channel) && session.Hub.FindRoom(channel[1..]) is not null)
            {
                Reply(session, IrcNumeric.NotOnChannel, channel, "You're not on that channel");
            }
            else
            {
                Reply(session, IrcNumeric.NoSuchChannel, channel, "No such channel");
            }
        }

        return true;
    }

    private static void PartRoom(IrcSession session, ChatRoom room, string reason)
    {
        session.LeaveRoom(room, reason);
        if (reason.Length == 0)
        {
            session.SendFromSelf("PART", IrcText.Channel(room.Name));
        }
        else
        {
            session.SendFromSelf("PART", IrcText.Channel(room.Name), reason);
        }
    }

    /// <summary>TOPIC #chan shows it; TOPIC #chan :text sets it (members only: nobody is an operator, so +t would leave nobody able to).</summary>
    private static bool Topic(IrcSession session, string[] p)
    {
        string channel = p[0];
        var room = session.JoinedRoom(channel) ?? (IsChannel(channel) ? session.Hub.FindRoom(channel[1..]) : null);
        if (room is null)
        {
            return Reply(session, IrcNumeric.NoSuchChannel, channel, "No such channel");
        }

        if (p.Length == 1)
        {
            if (room.Topic is { } current)
            {
                SendTopic(session, room, current);
            }
            else
            {
                Reply(session, IrcNumeric.NoTopic, IrcText.Channel(room.Name), "No topic is set");
            }

            return true;
        }

        if (session.JoinedRoom(channel) is null)
        {
            return Reply(session, IrcNumeric.NotOnChannel, IrcText.Channel(room.Name), "You're not on that channel");
        }

        string text = p[1].Length > MaxTopicLength ? p[1][..MaxTopicLength] : p[1];
        room.Topic = text.Length == 0 ? null : new RoomTopic(text, session.Nick, DateTimeOffset.UtcNow);
        session.Say(room, ChatMessage.TopicChanged(session.Nick, room.Name, text, session.Member.UserHost));
        session.SendFromSelf("TOPIC", IrcText.Channel(room.Name), text);
        return true;
    }

    private static void SendTopic(IrcSession session, ChatRoom room, RoomTopic topic)
    {
        string channel = IrcText.Channel(room.Name);
        session.Numeric(IrcNumeric.Topic, channel, topic.Text);
        session.Numeric(IrcNumeric.TopicWhoTime, channel, topic.SetBy, topic.SetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>NAMES #chan: its members in as many RPL_NAMREPLY lines as it takes, then RPL_ENDOFNAMES. No channel: only the end (a full list is what LIST is for).</summary>
    private static bool Names(IrcSession session, string[] p)
    {
        if (p.Length == 0 || p[0].Length == 0)
        {
            return Reply(session, IrcNumeric.EndOfNames, "*", "End of /NAMES list");
        }

        foreach (string channel in p[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var room = IsChannel(channel) ? session.Hub.FindRoom(channel[1..]) : null;
            if (room is null)
            {
                Reply(session, IrcNumeric.EndOfNames, channel, "End of /NAMES list");
            }
            else
            {
                SendNamesOfEveryInstance(session, room);
            }
        }

        return true;
    }

    /// <summary>
    /// The room's members by nick, on every instance: with a backplane the other instances' members are asked for
    /// off the event loop, and the reply follows once they answered (before the client's next line is handled).
    /// </summary>
    private static void SendNamesOfEveryInstance(IrcSession session, ChatRoom room)
    {
        if (session.Hub.Backplane is not { } backplane)
        {
            SendNames(session, room, null);
            return;
        }

        session.ContinueOffLoop(async () =>
        {
            SendNames(session, room, await backplane.RemoteMembersAsync(room.Name).ConfigureAwait(false));
            return true;
        });
    }

    private static void SendNames(IrcSession session, ChatRoom room, IReadOnlyList<RemoteMember>? remote)
    {
        string channel = IrcText.Channel(room.Name);
        int head = Encoding.UTF8.GetByteCount($":{session.ServerName} {IrcNumeric.NamReply} {session.ReplyNick} = {channel} :");
        var line = new StringBuilder();
        IEnumerable<string> nicks = room.Members.Select(m => m.Nick);
        if (remote is not null)
        {
            nicks = nicks.Concat(remote.Select(m => m.Nick));
        }

        foreach (string nick in nicks)
        {
            if (nick.Length == 0)
            {
                continue;
            }

            if (line.Length > 0 && head + line.Length + 1 + nick.Length > IrcText.MaxLineBytes - 2)
            {
                session.Numeric(IrcNumeric.NamReply, "=", channel, line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(nick);
        }

        if (line.Length > 0)
        {
            session.Numeric(IrcNumeric.NamReply, "=", channel, line.ToString());
        }

        session.Numeric(IrcNumeric.EndOfNames, channel, "End of /NAMES list");
    }

    /// <summary>
    /// LIST [#a,#b]: every room (or those named) with its member count and topic; with a backplane, the rooms
    /// and members of every instance (a room only another instance has shows no topic: topics are not shared).
    /// </summary>
    private static bool List(IrcSession session, string[] p)
    {
        session.ContinueOffLoop(() => ListAsync(session, p));
        return true;
    }

    private static async Task<bool> ListAsync(IrcSession session, string[] p)
    {
        var (rooms, _) = await session.Hub.RoomsOfEveryInstanceAsync().ConfigureAwait(false);
        if (p.Length > 0 && p[0].Length > 0)
        {
            var named = p[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Where(IsChannel).Select(c => c[1..]).ToHashSet(RoomName.Comparer);
            rooms = rooms.Where(r => named.Contains(r.Name));
        }

        session.Numeric(IrcNumeric.ListStart, "Channel", "Users  Name");
        foreach (var (name, members) in rooms.ToList())
        {
            if (members > 0)
            {
                session.Numeric(IrcNumeric.List, IrcText.Channel(name), members.ToString(CultureInfo.InvariantCulture), session.Hub.FindRoom(name)?.Topic?.Text ?? "");
            }
        }

        return Reply(session, IrcNumeric.ListEnd, "End of /LIST");
    }

    /// <summary>
    /// WHO #chan, WHO nick or WHO mask: RPL_WHOREPLY per match, then RPL_ENDOFWHO with the mask as given
    /// (modern.ircdocs.horse, "WHO message"). A mask with '*' or '?' (or "0", RFC 2812 section 3.6.1) matches nick,
    /// user, host, real name or server name, and leaves out invisible (+i) members the asker shares no channel
    /// with; an exact nick finds its member whatever its modes.
    /// </summary>
    private static bool Who(IrcSession session, string[] p)
    {
        string mask = p.Length > 0 && p[0].Length > 0 ? p[0] : "*";
        if (IsChannel(mask))
        {
            if (session.Hub.FindRoom(mask[1..]) is { } room)
            {
                foreach (var member in room.Members)
                {
                    SendWhoReply(session, IrcText.Channel(room.Name), member);
                }

                // With a backplane the members of other instances follow, once they are asked for.
                if (session.Hub.Backplane is { } backplane)
                {
                    session.ContinueOffLoop(async () =>
                    {
                        foreach (var remote in await backplane.RemoteMembersAsync(room.Name).ConfigureAwait(false) ?? [])
                        {
                            // Hop count 1: served by another server of the network (RFC 2812 section 3.6.1).
                            session.Numeric(IrcNumeric.WhoReply, IrcText.Channel(room.Name), remote.User, remote.Host, session.ServerName, remote.Nick, "H", "1 " + (remote.RealName ?? remote.Nick));
                        }

                        return Reply(session, IrcNumeric.EndOfWho, mask, "End of WHO list");
                    });
                    return true;
                }
            }
        }
        else if (NickName.IsValid(mask))
        {
            if (session.Hub.FindByNick(mask) is { Nick.Length: > 0 } member && !IrcMemberFacts.IsRegistering(member))
            {
                // The channel field is "an arbitrary channel the client is joined to or *" (modern.ircdocs.horse,
                // RPL_WHOREPLY): which of several rooms would be arbitrary, so none is named.
                SendWhoReply(session, "*", member);
            }
        }
        else if (IrcMask.HasWildcards(mask) || mask == "0")
        {
            string pattern = mask == "0" ? "*" : mask;
            foreach (var member in session.Hub.Members)
            {
                if (member.Nick.Length == 0 || IrcMemberFacts.IsRegistering(member))
                {
                    continue;
                }

                if (IrcMemberFacts.IsInvisible(member) && !ReferenceEquals(member, session.Member) && !SharesRoom(member, session.Member))
                {
                    continue;
                }

                if (IrcMask.Matches(pattern, member.Nick) || IrcMask.Matches(pattern, member.User) || IrcMask.Matches(pattern, member.Host)
                    || IrcMask.Matches(pattern, member.RealName ?? member.Nick) || IrcMask.Matches(pattern, session.ServerName))
                {
                    SendWhoReply(session, "*", member);
                }
            }
        }

        return Reply(session, IrcNumeric.EndOfWho, mask, "End of WHO list");
    }

    private static bool SharesRoom(ChatMember a, ChatMember b)
    {
        foreach (var room in a.Rooms)
        {
            if (b.Rooms.Contains(room))
            {
                return true;
            }
        }

        return false;
    }

    private static void SendWhoReply(IrcSession session, string channel, ChatMember member)
    {
        if (member.Nick.Length == 0)
        {
            return;
        }

        session.Numeric(IrcNumeric.WhoReply, channel, member.User, member.Host, session.ServerName, member.Nick,
            member.AwayMessage is null ? "H" : "G", "0 " + (member.RealName ?? member.Nick));
    }

    /// <summary>WHOIS [server] nick: who it is, where it is, its channels, whether it is away.</summary>
    private static bool Whois(IrcSession session, string[] p)
    {
        string nick = p[^1];
        var member = NickName.IsValid(nick) ? session.Hub.FindByNick(nick) : null;
        if (member is null || member.Nick.Length == 0)
        {
            Reply(session, IrcNumeric.NoSuchNick, nick, "No such nick/channel");
            return Reply(session, IrcNumeric.EndOfWhois, nick, "End of /WHOIS list");
        }

        session.Numeric(IrcNumeric.WhoisUser, member.Nick, member.User, member.Host, "*", member.RealName ?? member.Nick);
        var channels = member.Rooms.Select(r => IrcText.Channel(r.Name)).ToList();
        if (channels.Count > 0)
        {
            session.Numeric(IrcNumeric.WhoisChannels, member.Nick, string.Join(' ', channels));
        }

        session.Numeric(IrcNumeric.WhoisServer, member.Nick, session.ServerName, session.Services.Irc.Network);
        if (member.AwayMessage is { } away)
        {
            session.Numeric(IrcNumeric.Away, member.Nick, away);
        }

        return Reply(session, IrcNumeric.EndOfWhois, member.Nick, "End of /WHOIS list");
    }

    /// <summary>
    /// MODE #chan shows "+n"; the list modes (b, e, I) are always empty; anything else needs an operator, and
    /// there are none. MODE nick shows or sets the client's own +i.
    /// </summary>
    private static bool Mode(IrcSession session, string[] p)
    {
        string target = p[0];
        if (target.StartsWith('#'))
        {
            var room = IsChannel(target) ? session.Hub.FindRoom(target[1..]) : null;
            if (room is null)
            {
                return Reply(session, IrcNumeric.NoSuchChannel, target, "No such channel");
            }

            string channel = IrcText.Channel(room.Name);
            if (p.Length == 1)
            {
                session.Numeric(IrcNumeric.ChannelModeIs, channel, "+" + ChannelModes);
                return Reply(session, IrcNumeric.CreationTime, channel, room.Created.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            }

            return p[1].TrimStart('+') switch
            {
                "b" => Reply(session, IrcNumeric.EndOfBanList, channel, "End of channel ban list"),
                "e" => Reply(session, IrcNumeric.EndOfExceptList, channel, "End of channel exception list"),
                "I" => Reply(session, IrcNumeric.EndOfInviteList, channel, "End of channel invite list"),
                _ => Reply(session, IrcNumeric.ChanOPrivsNeeded, channel, "You're not channel operator"),
            };
        }

        var member = NickName.IsValid(target) ? session.Hub.FindByNick(target) : null;
        if (member is null)
        {
            return Reply(session, IrcNumeric.NoSuchNick, target, "No such nick/channel");
        }

        if (!ReferenceEquals(member, session.Member))
        {
            return Reply(session, IrcNumeric.UsersDontMatch, "Cant change mode for other users");
        }

        if (p.Length == 1)
        {
            return Reply(session, IrcNumeric.UserModeIs, session.IsInvisible ? "+i" : "+");
        }

        bool adding = true;
        bool changed = false;
        foreach (char c in p[1])
        {
            switch (c)
            {
                case '+':
                    adding = true;
                    break;
                case '-':
                    adding = false;
                    break;
                case 'i':
                    changed |= session.IsInvisible != adding;
                    session.IsInvisible = adding;
                    break;
                default:
                    Reply(session, IrcNumeric.UModeUnknownFlag, "Unknown MODE flag");
                    break;
            }
        }

        if (changed)
        {
            session.PublishAttributes();
            session.Send(IrcText.Line(session.Nick, "MODE", session.Nick, session.IsInvisible ? "+i" : "-i"));
        }

        return true;
    }

    private static bool Away(IrcSession session, string[] p)
    {
        string message = p.Length > 0 ? p[0] : "";
        if (message.Length == 0)
        {
            session.Member.AwayMessage = null;
            session.PublishAttributes();
            return Reply(session, IrcNumeric.UnAway, "You are no longer marked as being away");
        }

        session.Member.AwayMessage = message.Length > MaxAwayLength ? message[..MaxAwayLength] : message;
        session.PublishAttributes();
        return Reply(session, IrcNumeric.NowAway, "You have been marked as being away");
    }

    /// <summary>INVITE nick #chan: the channel has no invite-only mode, so an invitation is only a pointer; any member may send one.</summary>
    private static bool Invite(IrcSession session, string[] p)
    {
        string nick = p[0];
        string channel = p[1];
        var target = NickName.IsValid(nick) ? session.Hub.FindByNick(nick) : null;
        if (target is null || target.Nick.Length == 0)
        {
            return Reply(session, IrcNumeric.NoSuchNick, nick, "No such nick/channel");
        }

        if (session.JoinedRoom(channel) is not { } room)
        {
            return IsChannel(channel) && session.Hub.FindRoom(channel[1..]) is not null
                ? Reply(session, IrcNumeric.NotOnChannel, channel, "You're not on that channel")
                : Reply(session, IrcNumeric.NoSuchChannel, channel, "No such channel");
        }

        if (target.Rooms.Contains(room))
        {
            return Reply(session, IrcNumeric.UserOnChannel, target.Nick, IrcText.Channel(room.Name), "is already on channel");
        }

        session.Numeric(IrcNumeric.Inviting, target.Nick, IrcText.Channel(room.Name));
        target.Deliver(ChatMessage.Invited(session.Nick, target.Nick, room.Name, session.Member.UserHost));
        return true;
    }

    private static bool Kick(IrcSession session, string[] p)
    {
        string channel = p[0];
        if (session.JoinedRoom(channel) is { } room)
        {
            return Reply(session, IrcNumeric.ChanOPrivsNeeded, IrcText.Channel(room.Name), "You're not channel operator");
        }

        return IsChannel(channel) && session.Hub.FindRoom(channel[1..]) is not null
            ? Reply(session, IrcNumeric.NotOnChannel, channel, "You're not on that channel")
            : Reply(session, IrcNumeric.NoSuchChannel, channel, "No such channel");
    }

    private static bool IsOn(IrcSession session, string[] p)
    {
        var asked = p.SelectMany(n => n.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(NickName.IsValid).ToList();
        var here = asked.Select(n => session.Hub.FindByNick(n)).OfType<ChatMember>().Where(m => m.Nick.Length > 0).Select(m => m.Nick).ToList();
        var missing = asked.Where(n => !here.Contains(n, NickName.Comparer)).ToList();
        if (session.Hub.Backplane is not { } backplane || missing.Count == 0)
        {
            return Reply(session, IrcNumeric.IsOn, string.Join(' ', here));
        }

        // Nicks not here may be on another instance (spelled as asked: their holder's spelling is not known here).
        session.ContinueOffLoop(async () =>
        {
            var elsewhere = await backplane.NicksElsewhereAsync(missing).ConfigureAwait(false) ?? [];
            return Reply(session, IrcNumeric.IsOn, string.Join(' ', here.Concat(elsewhere)));
        });
        return true;
    }

    private static bool UserHost(IrcSession session, string[] p)
    {
        var replies = p.SelectMany(n => n.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Take(5)
            .Select(n => NickName.IsValid(n) ? session.Hub.FindByNick(n) : null)
            .OfType<ChatMember>()
            .Where(m => m.Nick.Length > 0)
            .Select(m => $"{m.Nick}={(m.AwayMessage is null ? '+' : '-')}{m.UserHost}");
        return Reply(session, IrcNumeric.UserHost, string.Join(' ', replies));
    }

    private static bool Motd(IrcSession session, string[] p)
    {
        SendMotd(session);
        return true;
    }

    /// <summary>The message of the day (Chat:Motd, the same as line clients get), or ERR_NOMOTD when there is none.</summary>
    public static void SendMotd(IrcSession session)
    {
        string motd = session.Settings.Chat.Motd;
        if (string.IsNullOrEmpty(motd))
        {
            session.Numeric(IrcNumeric.NoMotd, "MOTD File is missing");
            return;
        }

        session.Numeric(IrcNumeric.MotdStart, $"- {session.ServerName} Message of the day - ");
        foreach (string line in motd.ReplaceLineEndings("\n").Split('\n'))
        {
            session.Numeric(IrcNumeric.Motd, "- " + line);
        }

        session.Numeric(IrcNumeric.EndOfMotd, "End of /MOTD command.");
    }

    private static bool Lusers(IrcSession session, string[] p)
    {
        SendLusers(session);
        return true;
    }

    /// <summary>
    /// The user and channel counts (RFC 2812 section 3.4.2; modern.ircdocs.horse, "LUSERS message"): one server,
    /// every protocol's members counted. A user is a member that finished registering, split into visible and
    /// invisible (+i); a member that holds a nick but has not registered yet is an unknown connection. RPL_LOCALUSERS
    /// and RPL_GLOBALUSERS leave out their optional count parameters: this server keeps no peak to give as the max,
    /// and the text alone is what the spec requires.
    /// </summary>
    public static void SendLusers(IrcSession session)
    {
        int visible = 0, invisible = 0, registering = 0;
        foreach (var member in session.Hub.Members)
        {
            if (IrcMemberFacts.IsRegistering(member))
            {
                registering++;
            }
            else if (IrcMemberFacts.IsInvisible(member))
            {
                invisible++;
            }
            else
            {
                visible++;
            }
        }

        int users = visible + invisible;
        string count = users.ToString(CultureInfo.InvariantCulture);
        session.Numeric(IrcNumeric.LuserClient, $"There are {visible} users and {invisible} invisible on 1 servers");
        if (registering > 0)
        {
            session.Numeric(IrcNumeric.LuserUnknown, registering.ToString(CultureInfo.InvariantCulture), "unknown connection(s)");
        }

        session.Numeric(IrcNumeric.LuserChannels, session.Hub.RoomCount.ToString(CultureInfo.InvariantCulture), "channels formed");
        session.Numeric(IrcNumeric.LuserMe, $"I have {users} clients and 0 servers");
        session.Numeric(IrcNumeric.LocalUsers, $"Current local users {count}");
        session.Numeric(IrcNumeric.GlobalUsers, $"Current global users {count}");
    }

    private static bool Version(IrcSession session, string[] p) =>
        Reply(session, IrcNumeric.Version, session.Services.Version, session.ServerName, "ChatDaemon, a systemd-native chat server");

    private static bool Time(IrcSession session, string[] p) =>
        Reply(session, IrcNumeric.Time, session.ServerName, DateTimeOffset.UtcNow.ToString("dddd MMMM dd yyyy -- HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));

    /// <summary>"#" and a valid room name.</summary>
    private static bool IsChannel(string channel) => channel.Length > 1 && channel[0] == '#' && RoomName.IsValid(channel[1..]);
}
