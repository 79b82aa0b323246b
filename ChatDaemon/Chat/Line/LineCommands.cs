namespace ChatDaemon.Chat.Line;

/// <summary>
/// The line protocol's commands (<see cref="Table"/>). Handlers work on the session's member and the hub;
/// what they send back is in the line protocol's wording (<see cref="LineText"/>).
/// </summary>
internal static class LineCommands
{
    /// <summary>The most nicks a /who reply lists.</summary>
    internal const int WhoShows = 100;

    /// <summary>The most rooms a /rooms reply lists.</summary>
    internal const int RoomsShows = 50;

    public static IReadOnlyList<LineCommand> All { get; } =
    [
        new("nick", "/nick NAME", "change your nick (" + NickName.Rule + ")", Nick),
        new("join", "/join ROOM", "leave your room and join ROOM (created on demand)", Join),
        new("who", "/who", "who is in your room", Who),
        new("rooms", "/rooms [PREFIX]", "list the rooms (those starting with PREFIX)", Rooms),
        new("msg", "/msg NICK text", "private message", Msg),
        new("me", "/me action", "tell the room what you do", Me),
        new("quit", "/quit [reason]", "leave", Quit),
        new("help", "/help", "this text", Help),
    ];

    /// <summary>The table every line session uses.</summary>
    public static LineCommandTable Table { get; } = new(All);

    private static bool Help(LineSession session, string argument)
    {
        session.SendAll(session.Commands.HelpLines);
        return true;
    }

    private static bool Quit(LineSession session, string argument)
    {
        session.QuitReason = argument;
        return false;
    }

    private static bool Me(LineSession session, string argument)
    {
        if (argument.Length == 0)
        {
            session.Send(LineText.Error("usage: /me action"));
        }
        else
        {
            session.Say(ChatMessage.Action(session.Member.Nick, session.Room.Name, argument, session.Member.UserHost));
        }

        return true;
    }

    private static bool Nick(LineSession session, string nick)
    {
        if (nick.Length == 0)
        {
            session.Send(LineText.Error("usage: /nick NAME"));
            return true;
        }

        if (!NickName.IsValid(nick))
        {
            session.Send(LineText.Error($"invalid nick: {NickName.Rule}"));
            return true;
        }

        if (string.Equals(session.Member.Nick, nick, StringComparison.Ordinal))
        {
            session.Send(LineText.Error($"you are already {nick}"));
            return true;
        }

        // Other instances are asked whether the nick is free: a round trip that must not hold up the event loop.
        if (session.Hub.Backplane is not null)
        {
            session.ContinueOffLoop(() => ChangeNickAsync(session, nick));
            return true;
        }

        // Without a backplane nothing is waited for: the change is done when this returns.
        return ChangeNickAsync(session, nick).GetAwaiter().GetResult();
    }

    private static async Task<bool> ChangeNickAsync(LineSession session, string nick)
    {
        if (!await session.TryChangeNickAsync(nick).ConfigureAwait(false))
        {
            session.Send(LineText.Error($"nick {nick} is taken"));
            return true;
        }

        session.Send(LineText.Notice($"you are now known as {nick}"));
        return true;
    }

    private static bool Join(LineSession session, string name)
    {
        if (name.StartsWith('#'))
        {
            name = name[1..];
        }

        if (name.Length == 0)
        {
            session.Send(LineText.Error("usage: /join ROOM"));
            return true;
        }

        if (!RoomName.IsValid(name))
        {
            session.Send(LineText.Error($"invalid room name: {RoomName.Rule}"));
            return true;
        }

        var old = session.Room;
        if (RoomName.Comparer.Equals(old.Name, name))
        {
            session.Send(LineText.Error($"you are already in {old.Name}"));
            return true;
        }

        // The line protocol keeps a member in one room at a time.
        session.LeaveRoom(old, "");
        var room = session.JoinRoom(name);
        session.Send(LineText.Notice($"you are now in {room.Name} ({room.Members.Length} here)"));
        return true;
    }

    private static bool Msg(LineSession session, string argument)
    {
        int space = argument.IndexOfAny([' ', '\t']);
        if (space <= 0 || argument[(space + 1)..].Trim().Length == 0)
        {
            session.Send(LineText.Error("usage: /msg NICK text"));
            return true;
        }

        string nick = argument[..space];
        string text = argument[(space + 1)..].TrimStart(' ', '\t');
        var target = NickName.IsValid(nick) ? session.Hub.FindByNick(nick) : null;
        if (target is null && NickName.IsValid(nick) && session.Hub.Backplane is { } backplane)
        {
            // Not here: maybe on another instance (a round trip, off the event loop).
            var message = ChatMessage.Private(session.Member.Nick, nick, text, session.Member.UserHost);
            session.ContinueOffLoop(async () =>
            {
                session.Send(await backplane.SendToNickAsync(message).ConfigureAwait(false) switch
                {
                    BackplaneAnswer.Yes => LineText.Line($"-> *{nick}* {text}"),
                    BackplaneAnswer.No => LineText.Error($"no such nick: {nick}"),
                    _ => LineText.Error($"no such nick here: {nick} (the other servers cannot be reached now)"),
                });
                return true;
            });
            return true;
        }

        if (target is null)
        {
            session.Send(LineText.Error($"no such nick: {nick}"));
            return true;
        }

        target.Deliver(ChatMessage.Private(session.Member.Nick, target.Nick, text, session.Member.UserHost));
        session.Send(LineText.Line($"-> *{target.Nick}* {text}"));
        return true;
    }

    /// <summary>
    /// The members of the client's room by nick, on every instance: the first <see cref="WhoShows"/>, then how
    /// many more. Runs off the event loop (it walks the room, and asks the other instances).
    /// </summary>
    private static bool Who(LineSession session, string argument)
    {
        var room = session.Room;
        session.ContinueOffLoop(() => WhoAsync(session, room));
        return true;
    }

    private static async Task<bool> WhoAsync(LineSession session, ChatRoom room)
    {
        IEnumerable<string> members = room.Members.Select(m => m.Nick);
        string unreachable = "";
        if (session.Hub.Backplane is { } backplane)
        {
            if (await backplane.RemoteMembersAsync(room.Name).ConfigureAwait(false) is { } remote)
            {
                members = members.Concat(remote.Select(m => m.Nick));
            }
            else
            {
                unreachable = " (on this server: the others cannot be reached now)";
            }
        }

        var nicks = ListReply.First(members, WhoShows, NickName.Comparer, out int total);
        session.SendAll(ListReply.Render($"in {room.Name}: ", $"in {room.Name}: {total} members{unreachable}", nicks, total));
        return true;
    }

    /// <summary>The rooms by name (those starting with the argument if given): the first <see cref="RoomsShows"/>, then how many more.</summary>
    private static bool Rooms(LineSession session, string prefix)
    {
        session.ContinueOffLoop(() => RoomsAsync(session, prefix.StartsWith('#') ? prefix[1..] : prefix));
        return true;
    }

    private static async Task<bool> RoomsAsync(LineSession session, string prefix)
    {
        var (all, unreachable) = await session.Hub.RoomsOfEveryInstanceAsync().ConfigureAwait(false);
        var rooms = all
            .Where(r => r.Members > 0 && r.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        var order = Comparer<(string Name, int Members)>.Create((a, b) => RoomName.Comparer.Compare(a.Name, b.Name));
        var first = ListReply.First(rooms, RoomsShows, order, out int total);
        string heading = prefix.Length == 0
            ? $"rooms: {total} (narrow the list with /rooms PREFIX)"
            : $"rooms: {total} starting with {prefix}";
        if (unreachable)
        {
            heading += " on this server (the others cannot be reached now)";
        }

        session.SendAll(ListReply.Render("rooms: ", heading, first.Select(r => $"{r.Name} ({r.Members})").ToList(), total));
        return true;
    }
}
