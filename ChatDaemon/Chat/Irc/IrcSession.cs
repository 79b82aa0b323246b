using System.Buffers;
using System.Text;
using ChatDaemon.Networking;

namespace ChatDaemon.Chat.Irc;

/// <summary>
/// The IRC client protocol (RFC 1459/2812 as modern servers speak it, modern.ircdocs.horse) for one client:
/// registration (NICK, USER, CAP negotiation), then commands from <see cref="IrcCommands"/>. Channels are the
/// chat's rooms ("#lobby" is room "lobby"), shared with every other protocol's members; a client is in any
/// number of them. Messages to a channel take the batched path of <see cref="ChatSession"/> and allocate nothing.
/// </summary>
public sealed class IrcSession : ChatSession
{
    /// <summary>The longest line a client may send, without CRLF (RFC 2812 section 2.3: 512 with it).</summary>
    internal const int MaxLineLength = IrcText.MaxLineBytes - 2;

    internal const string UserAttribute = "user";
    internal const string RealNameAttribute = "realname";
    internal const string AwayAttribute = "away";
    internal const string RegisteredAttribute = "registered";
    internal const string InvisibleAttribute = "invisible";

    private static ReadOnlySpan<byte> PrivmsgCommand => "PRIVMSG"u8;

    private static ReadOnlySpan<byte> NoticeCommand => "NOTICE"u8;

    private static ReadOnlySpan<byte> ActionPrefix => "ACTION "u8;

    private bool _userGiven;
    private bool _capNegotiating;
    private ITimer? _registrationTimer;

    internal IrcSession(ClientConnection connection, IrcSessionServices shared, MemberState? restored = null)
        : base(connection, shared, IrcRenderer.Instance, restored)
    {
    }

    internal IrcSessionServices Services => (IrcSessionServices)Shared;

    internal bool IsRegistered { get; private set; }

    /// <summary>User mode +i: WHO masks do not list the client to those who share no channel with it (published in <see cref="ChatMember.Attributes"/>, where <see cref="IrcMemberFacts"/> reads it).</summary>
    internal bool IsInvisible { get; set; }

    internal string ServerName => Services.ServerName;

    /// <summary>The client's nick as replies address it: "*" until it has one (modern.ircdocs.horse, "Numerics").</summary>
    internal string ReplyNick => Nick.Length == 0 ? "*" : Nick;

    /// <summary>"nick!user@host", the prefix of what this client does.</summary>
    internal string Source => IrcText.Source(Nick, Member.UserHost);

    private protected override int MaxLineBytes => MaxLineLength;

    private protected override byte[] LineTooLongReply(int maxLineBytes) =>
        IrcText.Line(ServerName, IrcNumeric.InputTooLong, ReplyNick, "Input line was too long");

    private protected override byte[] QuitReply() =>
        IrcText.Line(null, "ERROR", $"Closing Link: {Member.Host} ({(string.IsNullOrEmpty(QuitReason) ? "Quit" : "Quit: " + QuitReason)})");

    private protected override byte[] ShuttingDownReply() =>
        [.. IrcText.Line(ServerName, "NOTICE", ReplyNick, "Server shutting down"), .. IrcText.Line(null, "ERROR", $"Closing Link: {Member.Host} (Server shutting down)")];

    private protected override IReadOnlyDictionary<string, string> StateAttributes
    {
        get
        {
            var attributes = new Dictionary<string, string>
            {
                [UserAttribute] = Member.User,
                [RealNameAttribute] = Member.RealName ?? "",
                [RegisteredAttribute] = IsRegistered ? "1" : "0",
            };
            if (Member.AwayMessage is { } away)
            {
                attributes[AwayAttribute] = away;
            }

            if (IsInvisible)
            {
                attributes[InvisibleAttribute] = "1";
            }

            return attributes;
        }
    }

    /// <summary>Sends a numeric reply: ":server CODE nick parameters...".</summary>
    internal void Numeric(string code, params ReadOnlySpan<string> parameters)
    {
        var all = new string[parameters.Length + 1];
        all[0] = ReplyNick;
        parameters.CopyTo(all.AsSpan(1));
        Send(IrcText.Line(ServerName, code, all));
    }

    /// <summary>Sends a line with this client as its source (the echo of its own JOIN, PART, NICK).</summary>
    internal void SendFromSelf(string command, params ReadOnlySpan<string> parameters) => Send(IrcText.Line(Source, command, parameters));

    /// <summary>An IRC client says nothing until it registers (NICK and USER, and CAP END if it began a negotiation).</summary>
    private protected override void Greet()
    {
        // A connection that never registers would hold its slot (and a nick it claimed) for good: IRC servers close
        // it after a while (modern.ircdocs.horse, "Connection Registration"). The timer exists only until then.
        var timeout = TimeSpan.FromSeconds(Services.Irc.RegistrationTimeoutSeconds);
        _registrationTimer = Shared.Time.CreateTimer(static state => ((IrcSession)state!).OnRegistrationTimeout(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Not registered in time: told why, then its read ends as if it had closed, so what is queued still goes out.</summary>
    private void OnRegistrationTimeout()
    {
        if (IsRegistered)
        {
            return;
        }

        Send(IrcText.Line(null, "ERROR", $"Closing Link: {Member.Host} (Registration timed out)"));
        Connection.CancelPendingRead();
    }

    private protected override void Restore(MemberState restored)
    {
        string nickBefore = restored.Nick;
        RestoreCommon(restored);
        var attributes = restored.Attributes;
        if (attributes.TryGetValue(UserAttribute, out string? user) && IrcUser.IsValid(user))
        {
            Member.User = user;
        }

        Member.RealName = attributes.GetValueOrDefault(RealNameAttribute);
        Member.AwayMessage = attributes.GetValueOrDefault(AwayAttribute);
        IsInvisible = attributes.GetValueOrDefault(InvisibleAttribute) == "1";
        IsRegistered = attributes.GetValueOrDefault(RegisteredAttribute) == "1";
        _userGiven = IsRegistered;
        Member.Attributes = StateAttributes;
        foreach (string room in restored.Rooms)
        {
            if (RoomName.IsValid(room))
            {
                Hub.Join(room, Member);
            }
        }

        if (IsRegistered && nickBefore.Length > 0 && !string.Equals(nickBefore, Nick, StringComparison.Ordinal))
        {
            // Someone took the nick meanwhile: the client learns its new one the way IRC tells a nick change.
            Send(IrcText.Line(IrcText.Source(nickBefore, Member.UserHost), "NICK", Nick));
        }

        string notice = Settings.Chat.RestartNotice;
        if (notice.Length > 0 && IsRegistered)
        {
            Send(IrcText.Line(ServerName, "NOTICE", Nick, notice));
        }
    }

    private protected override bool HandleLine(ReadOnlySpan<byte> line, out Func<bool>? offLoop)
    {
        offLoop = null;
        Span<Range> parameters = stackalloc Range[IrcLineParser.MaxParameters];
        int count = IrcLineParser.Parse(line, parameters, out var commandRange);
        if (count < 0)
        {
            return true; // an empty line is ignored (modern.ircdocs.horse, "Messages")
        }

        var command = line[commandRange];
        bool isNotice = Ascii.EqualsIgnoreCase(command, NoticeCommand);
        if (isNotice || Ascii.EqualsIgnoreCase(command, PrivmsgCommand))
        {
            RelayMessage(line, parameters[..count], isNotice);
            return true;
        }

        // Anything else: its effects come after the messages sent before it.
        RelayBatch();
        string name = Encoding.ASCII.GetString(command).ToUpperInvariant();
        if (Services.Commands.Find(name) is not { } entry)
        {
            if (IsRegistered)
            {
                Numeric(IrcNumeric.UnknownCommand, Clean(command), "Unknown command");
            }
            else
            {
                Numeric(IrcNumeric.NotRegistered, "You have not registered");
            }

            return true;
        }

        if (!IsRegistered && !entry.BeforeRegistration)
        {
            Numeric(IrcNumeric.NotRegistered, "You have not registered");
            return true;
        }

        if (count < entry.MinParameters)
        {
            Numeric(IrcNumeric.NeedMoreParams, entry.Name, "Not enough parameters");
            return true;
        }

        var arguments = new string[count];
        for (int i = 0; i < count; i++)
        {
            arguments[i] = Clean(line[parameters[i]]);
        }

        if (entry.WalksSharedState)
        {
            offLoop = () => entry.Handler(this, arguments);
            return true;
        }

        return entry.Handler(this, arguments);
    }

    /// <summary>
    /// Registration completes once the client gave a nick and a user and is not negotiating capabilities
    /// (IRCv3 capability negotiation: registration waits for CAP END): the welcome burst, 001 to 005, the
    /// user counts and the message of the day.
    /// </summary>
    internal void TryCompleteRegistration()
    {
        if (IsRegistered || !_userGiven || _capNegotiating || Nick.Length == 0)
        {
            return;
        }

        IsRegistered = true;
        _registrationTimer?.Dispose();
        _registrationTimer = null;
        var services = Services;
        string server = services.ServerName;
        Numeric(IrcNumeric.Welcome, $"Welcome to the {services.Irc.Network} IRC network {Source}");
        Numeric(IrcNumeric.YourHost, $"Your host is {server}, running version {services.Version}");
        Numeric(IrcNumeric.Created, $"This server was created {services.Started:yyyy-MM-dd HH:mm:ss} UTC");
        Numeric(IrcNumeric.MyInfo, server, services.Version, IrcCommands.UserModes, IrcCommands.ChannelModes);
        foreach (var tokens in IrcCommands.SupportTokens(services.Irc).Chunk(12))
        {
            Numeric(IrcNumeric.ISupport, [.. tokens, "are supported by this server"]);
        }

        IrcCommands.SendLusers(this);
        IrcCommands.SendMotd(this);
        ChatLog.Joined(Log, Nick, "IRC");
        PublishAttributes();
    }

    /// <summary>Makes what a crash should keep of this client (registration, user, away, +i) current for the hub's observer.</summary>
    internal void PublishAttributes()
    {
        Member.Attributes = StateAttributes;
        Hub.Changed(Member);
    }

    internal void GiveUser(string user, string realName)
    {
        Member.User = user;
        Member.RealName = realName;
        _userGiven = true;
        TryCompleteRegistration();
    }

    internal void BeginCapabilityNegotiation()
    {
        if (!IsRegistered)
        {
            _capNegotiating = true;
        }
    }

    internal void EndCapabilityNegotiation()
    {
        _capNegotiating = false;
        TryCompleteRegistration();
    }

    /// <summary>The member's room of that channel name ("#lobby"), if it is in it; no allocation.</summary>
    internal ChatRoom? JoinedRoom(ReadOnlySpan<byte> channel)
    {
        if (channel.Length < 2 || channel[0] != (byte)'#')
        {
            return null;
        }

        var name = channel[1..];
        foreach (var room in Member.Rooms)
        {
            if (Ascii.EqualsIgnoreCase(name, room.Name))
            {
                return room;
            }
        }

        return null;
    }

    internal ChatRoom? JoinedRoom(string channel)
    {
        if (channel.Length < 2 || channel[0] != '#')
        {
            return null;
        }

        var name = channel.AsSpan(1);
        foreach (var room in Member.Rooms)
        {
            if (name.Equals(room.Name, StringComparison.OrdinalIgnoreCase))
            {
                return room;
            }
        }

        return null;
    }

    /// <summary>
    /// PRIVMSG and NOTICE (RFC 2812 section 3.3): to channels the client is in (the channels are +n: no
    /// messages from outside) and to nicks, up to four targets. CTCP ACTION becomes an action; other CTCP
    /// requests are not relayed (the chat's text is sanitised of control characters). NOTICE is never answered
    /// with an error (RFC 2812 section 3.3.2).
    /// </summary>
    private void RelayMessage(ReadOnlySpan<byte> line, ReadOnlySpan<Range> parameters, bool isNotice)
    {
        string command = isNotice ? "NOTICE" : "PRIVMSG";
        if (!IsRegistered)
        {
            RelayBatch();
            Numeric(IrcNumeric.NotRegistered, "You have not registered");
            return;
        }

        if (parameters.Length == 0 || line[parameters[0]].IsEmpty)
        {
            if (!isNotice)
            {
                RelayBatch();
                Numeric(IrcNumeric.NoRecipient, $"No recipient given ({command})");
            }

            return;
        }

        var text = parameters.Length > 1 ? line[parameters[1]] : default;
        if (text.IsEmpty)
        {
            if (!isNotice)
            {
                RelayBatch();
                Numeric(IrcNumeric.NoTextToSend, "No text to send");
            }

            return;
        }

        bool isAction = false;
        if (text[0] == 0x01)
        {
            text = text[1..];
            if (text.Length > 0 && text[^1] == 0x01)
            {
                text = text[..^1];
            }

            if (!text.StartsWith(ActionPrefix) || isNotice)
            {
                return; // CTCP other than ACTION: not relayed
            }

            text = text[ActionPrefix.Length..];
            isAction = true;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(TextSanitizer.MaxOutputLength(text.Length));
        try
        {
            int n = TextSanitizer.Sanitize(text, rented);
            var clean = rented.AsSpan(0, n);
            var targets = line[parameters[0]];
            int sent = 0;
            while (!targets.IsEmpty && sent < IrcCommands.MaxTargets)
            {
                int comma = targets.IndexOf((byte)',');
                var target = comma < 0 ? targets : targets[..comma];
                targets = comma < 0 ? default : targets[(comma + 1)..];
                if (target.IsEmpty)
                {
                    continue;
                }

                sent++;
                if (target[0] == (byte)'#')
                {
                    RelayToChannel(target, clean, isNotice, isAction);
                }
                else
                {
                    RelayToNick(target, clean, isNotice, isAction);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void RelayToChannel(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> text, bool isNotice, bool isAction)
    {
        if (JoinedRoom(channel) is not { } room)
        {
            if (!isNotice)
            {
                RelayBatch();
                string name = Clean(channel);
                bool exists = name.Length > 1 && Hub.FindRoom(name[1..]) is not null;
                Numeric(exists ? IrcNumeric.CannotSendToChan : IrcNumeric.NoSuchChannel, name, exists ? "Cannot send to channel" : "No such channel");
            }

            return;
        }

        if (isAction)
        {
            Say(room, ChatMessage.Action(Nick, room.Name, Encoding.UTF8.GetString(text), Member.UserHost));
        }
        else if (isNotice)
        {
            Say(room, ChatMessage.Notice(Nick, room.Name, Encoding.UTF8.GetString(text), Member.UserHost));
        }
        else
        {
            SayInBatch(room, text);
        }
    }

    private void RelayToNick(ReadOnlySpan<byte> nick, ReadOnlySpan<byte> text, bool isNotice, bool isAction)
    {
        RelayBatch();
        string name = Clean(nick);
        var target = NickName.IsValid(name) ? Hub.FindByNick(name) : null;
        if (target is null && NickName.IsValid(name) && Hub.Backplane is { } backplane)
        {
            // Not here: maybe on another instance (a round trip, off the event loop).
            string said = Encoding.UTF8.GetString(text);
            var message = isNotice ? ChatMessage.PrivateNotice(Nick, name, said, Member.UserHost)
                : isAction ? ChatMessage.PrivateAction(Nick, name, said, Member.UserHost)
                : ChatMessage.Private(Nick, name, said, Member.UserHost);
            ContinueOffLoop(async () =>
            {
                if (await backplane.SendToNickAsync(message).ConfigureAwait(false) != BackplaneAnswer.Yes && !isNotice)
                {
                    Numeric(IrcNumeric.NoSuchNick, name, "No such nick/channel");
                }

                return true;
            });
            return;
        }

        if (target is null || target.Nick.Length == 0)
        {
            if (!isNotice)
            {
                Numeric(IrcNumeric.NoSuchNick, name, "No such nick/channel");
            }

            return;
        }

        string body = Encoding.UTF8.GetString(text);
        target.Deliver(isNotice ? ChatMessage.PrivateNotice(Nick, target.Nick, body, Member.UserHost)
            : isAction ? ChatMessage.PrivateAction(Nick, target.Nick, body, Member.UserHost)
            : ChatMessage.Private(Nick, target.Nick, body, Member.UserHost));
        if (!isNotice && target.AwayMessage is { } away)
        {
            Numeric(IrcNumeric.Away, target.Nick, away);
        }
    }

    /// <summary>A parameter as text, sanitised (no control characters, valid UTF-8).</summary>
    internal static string Clean(ReadOnlySpan<byte> raw)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(TextSanitizer.MaxOutputLength(raw.Length));
        try
        {
            int n = TextSanitizer.Sanitize(raw, rented);
            return Encoding.UTF8.GetString(rented, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
