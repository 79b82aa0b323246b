using System.Buffers;
using System.Text;
using ChatDaemon.Networking;

namespace ChatDaemon.Chat.Line;

/// <summary>
/// The line protocol's front end for one client: any line is said in its room, a line starting with "/" is a
/// command (<see cref="LineCommands"/>). A line-protocol client is in exactly one room while it is served.
/// Reading, rate limiting, batching, stopping and handing over are <see cref="ChatSession"/>'s.
/// </summary>
public sealed class LineSession : ChatSession
{
    /// <summary>The protocol name in <see cref="MemberState.Protocol"/>.</summary>
    public const string ProtocolName = "line";

    internal LineSession(ClientConnection connection, LineSessionServices shared, MemberState? restored = null)
        : base(connection, shared, LineRenderer.Instance, restored)
    {
    }

    internal LineCommandTable Commands => ((LineSessionServices)Shared).Commands;

    /// <summary>The room the client is in (the line protocol keeps it in exactly one while it is served).</summary>
    internal ChatRoom Room => Member.Rooms[0];

    private protected override int MaxLineBytes
    {
        get
        {
            int max = Settings.Limits.MaxLineBytes;
            return max == 0 ? Configuration.LimitsOptionsValidator.LargestMaxLineBytes : max;
        }
    }

    private protected override byte[] LineTooLongReply(int maxLineBytes) => LineText.Error($"line too long (max {maxLineBytes} bytes)");

    private protected override byte[] QuitReply() => LineText.Bye;

    private protected override byte[] ShuttingDownReply() => LineText.ShuttingDown;

    /// <summary>Says <paramref name="message"/> in the client's room, after what it said before.</summary>
    internal void Say(ChatMessage message) => Say(Room, message);

    /// <summary>A new client gets a nick, the message of the day, and the default room, announced.</summary>
    private protected override void Greet()
    {
        Hub.ClaimGuestNick(Member);
        string motd = Settings.Chat.Motd;
        if (!string.IsNullOrEmpty(motd))
        {
            foreach (string line in motd.ReplaceLineEndings("\n").Split('\n'))
            {
                Send(LineText.Notice(line));
            }
        }

        var room = Hub.Join(Settings.Chat.DefaultRoom, Member);
        Send(LineText.Notice($"you are {Nick} in room {room.Name}"));
        Announce(room, ChatMessage.Joined(Nick, room.Name, Member.UserHost), room.Members.Length);
        ChatLog.Joined(Log, Nick, room.Name);
    }

    /// <summary>A restored client gets its nick back if it is free and its room (its first, if it was in several).</summary>
    private protected override void Restore(MemberState restored)
    {
        RestoreCommon(restored);

        // At most one line says anything happened (the output restored was due anyway).
        string notice = Settings.Chat.RestartNotice;
        if (notice.Length > 0)
        {
            Send(LineText.Notice(notice));
        }

        string name = restored.Rooms.Count > 0 && RoomName.IsValid(restored.Rooms[0]) ? restored.Rooms[0] : Settings.Chat.DefaultRoom;
        Hub.Join(name, Member);
    }

    private protected override bool HandleLine(ReadOnlySpan<byte> raw, out Func<bool>? offLoop)
    {
        offLoop = null;
        byte[] rented = ArrayPool<byte>.Shared.Rent(TextSanitizer.MaxOutputLength(raw.Length));
        try
        {
            int n = TextSanitizer.Sanitize(raw, rented);
            ReadOnlySpan<byte> text = rented.AsSpan(0, n);
            if (TextSanitizer.IsBlank(text))
            {
                return true;
            }

            if (text[0] != (byte)'/' || (text.Length > 1 && text[1] == (byte)'/'))
            {
                // "//" sends a line that starts with "/".
                SayInBatch(Room, text[0] == (byte)'/' ? text[1..] : text);
                return true;
            }

            // A command's effects (a nick change, a /me) come after the messages sent before it.
            RelayBatch();
            var input = LineInput.Parse(Encoding.UTF8.GetString(text));
            if (Commands.Find(input.Name) is not { } command)
            {
                Send(LineText.Error($"unknown command /{input.Name} (try /help)"));
                return true;
            }

            string argument = input.Argument;
            if (command.WalksSharedState)
            {
                offLoop = () => command.Handler(this, argument);
                return true;
            }

            return command.Handler(this, argument);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
