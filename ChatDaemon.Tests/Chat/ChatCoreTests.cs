using System.Text;
using ChatDaemon.Chat;
using ChatDaemon.Chat.Line;

namespace ChatDaemon.Tests.Chat;

/// <summary>The protocol-neutral chat core: members, rooms, messages and their rendering, without sessions.</summary>
public sealed class ChatCoreTests
{
    private readonly ChatHub _hub = new();

    // Queues that are never started send nothing: what was delivered stays pending, to be read back.
    private ChatMember NewMember(IChatRenderer renderer, string nick)
    {
        var member = new ChatMember(renderer, new OutboundQueue());
        Assert.True(_hub.TryClaimNick(nick, member));
        return member;
    }

    private static string Pending(ChatMember member) => Encoding.UTF8.GetString(member.Queue.CopyPending());

    [Fact]
    public void A_broadcast_is_rendered_once_per_protocol_however_many_members_of_each_receive_it()
    {
        var other = new CountingRenderer();
        var sender = NewMember(LineRenderer.Instance, "alice");
        _hub.Join("mixed", sender);
        var line = Enumerable.Range(0, 40).Select(i => NewMember(LineRenderer.Instance, $"line{i}")).ToList();
        var irc = Enumerable.Range(0, 40).Select(i => NewMember(other, $"irc{i}")).ToList();
        foreach (var member in line.Concat(irc))
        {
            _hub.Join("mixed", member);
        }

        var message = ChatMessage.Say("alice", "mixed", "hi\nthere"u8.ToArray());
        var lineBytes = message.RenderFor(LineRenderer.Instance);
        _hub.FindRoom("mixed")!.Broadcast(message, sender);

        Assert.Equal(1, other.Renders);
        Assert.All(line, m => Assert.Equal("<alice> hi\r\n<alice> there\r\n", Pending(m)));
        Assert.All(irc, m => Assert.Equal("other Say alice mixed hi\nthere|", Pending(m)));
        Assert.Equal("", Pending(sender));
        Assert.Same(lineBytes, message.RenderFor(LineRenderer.Instance));
    }

    [Fact]
    public void A_member_in_several_rooms_hears_each_and_leaving_one_keeps_the_other()
    {
        var carol = NewMember(LineRenderer.Instance, "carol");
        var dave = NewMember(LineRenderer.Instance, "dave");
        var erin = NewMember(LineRenderer.Instance, "erin");
        var a = _hub.Join("a", carol);
        var b = _hub.Join("b", carol);
        _hub.Join("a", dave);
        _hub.Join("b", erin);
        Assert.Equal(["a", "b"], carol.Rooms.Select(r => r.Name));

        a.Broadcast(ChatMessage.Say("dave", "a", "in a"u8.ToArray()), dave);
        b.Broadcast(ChatMessage.Say("erin", "b", "in b"u8.ToArray()), erin);
        Assert.Equal("<dave> in a\r\n<erin> in b\r\n", Pending(carol));

        _hub.Leave(a, carol);
        Assert.Equal(["b"], carol.Rooms.Select(r => r.Name));
        Assert.Equal([dave], a.Members);
        Assert.Equal(2, b.Members.Length);
    }

    [Fact]
    public void A_departing_member_leaves_every_room_with_a_notice_in_each_and_frees_its_nick()
    {
        var carol = NewMember(LineRenderer.Instance, "carol");
        var dave = NewMember(LineRenderer.Instance, "dave");
        var erin = NewMember(LineRenderer.Instance, "erin");
        _hub.Join("a", carol);
        _hub.Join("b", carol);
        _hub.Join("a", dave);
        _hub.Join("b", erin);
        carol.CountLines(3);

        _hub.Depart(carol, room => ChatMessage.Quit("carol", room.Name, ""));

        Assert.Empty(carol.Rooms);
        Assert.Equal("* carol left a (quit)\r\n", Pending(dave));
        Assert.Equal("* carol left b (quit)\r\n", Pending(erin));
        Assert.Null(_hub.FindByNick("carol"));
        Assert.Equal(3, _hub.LinesRelayed);
        Assert.Equal(2, _hub.ClientCount);
    }

    [Fact]
    public void A_member_who_shares_several_rooms_with_one_who_quits_is_told_once()
    {
        var carol = NewMember(LineRenderer.Instance, "carol");
        var dave = NewMember(LineRenderer.Instance, "dave");
        _hub.Join("a", carol);
        _hub.Join("b", carol);
        _hub.Join("a", dave);
        _hub.Join("b", dave);

        _hub.Depart(carol, room => ChatMessage.Quit("carol", room.Name, "bye"));

        Assert.Equal("* carol left a (quit: bye)\r\n", Pending(dave));
    }

    [Fact]
    public void A_nick_change_is_told_once_to_each_roommate()
    {
        var carol = NewMember(LineRenderer.Instance, "carol");
        var dave = NewMember(LineRenderer.Instance, "dave");
        var erin = NewMember(LineRenderer.Instance, "erin");
        _hub.Join("a", carol);
        _hub.Join("b", carol);
        _hub.Join("a", dave);
        _hub.Join("b", dave);
        _hub.Join("b", erin);

        _hub.TellRoommates(carol, room => ChatMessage.NickChanged("carol", "caz", room.Name));

        Assert.Equal("* carol is now known as caz\r\n", Pending(dave));
        Assert.Equal("* carol is now known as caz\r\n", Pending(erin));
        Assert.Equal("", Pending(carol));
    }

    [Fact]
    public void The_last_member_to_leave_removes_the_room()
    {
        var carol = NewMember(LineRenderer.Instance, "carol");
        _hub.Join("solo", carol);
        Assert.Equal(1, _hub.RoomCount);
        _hub.Depart(carol, announce: null);
        Assert.Equal(0, _hub.RoomCount);
        Assert.Null(_hub.FindRoom("solo"));
    }

    [Fact]
    public void A_nick_change_frees_the_old_nick_and_a_taken_nick_changes_nothing()
    {
        var carol = NewMember(LineRenderer.Instance, "carol");
        var dave = NewMember(LineRenderer.Instance, "dave");
        Assert.True(_hub.TryClaimNick("caz", carol));
        Assert.Equal("caz", carol.Nick);
        Assert.Null(_hub.FindByNick("carol"));
        Assert.Same(carol, _hub.FindByNick("CAZ"));

        Assert.False(_hub.TryClaimNick("caz", dave));
        Assert.Equal("dave", dave.Nick);
        Assert.Same(dave, _hub.FindByNick("dave"));
    }

    [Theory]
    [InlineData(ChatMessageKind.Action, "* alice waves\r\n")]
    [InlineData(ChatMessageKind.Joined, "* alice joined lobby\r\n")]
    [InlineData(ChatMessageKind.Left, "* alice left lobby (moving on)\r\n")]
    [InlineData(ChatMessageKind.Quit, "* alice left lobby (quit: bye)\r\n")]
    [InlineData(ChatMessageKind.Disconnected, "* alice left lobby\r\n")]
    [InlineData(ChatMessageKind.Notice, "-alice- heads up\r\n")]
    [InlineData(ChatMessageKind.TopicChanged, "* alice set the topic of lobby: news\r\n")]
    [InlineData(ChatMessageKind.NickChanged, "* alice is now known as al\r\n")]
    [InlineData(ChatMessageKind.Private, "*alice* psst\r\n")]
    public void The_line_protocol_words_each_kind_of_message(ChatMessageKind kind, string expected)
    {
        var message = kind switch
        {
            ChatMessageKind.Action => ChatMessage.Action("alice", "lobby", "waves"),
            ChatMessageKind.Joined => ChatMessage.Joined("alice", "lobby"),
            ChatMessageKind.Left => ChatMessage.Left("alice", "lobby", "moving on"),
            ChatMessageKind.Quit => ChatMessage.Quit("alice", "lobby", "bye"),
            ChatMessageKind.Disconnected => ChatMessage.Disconnected("alice", "lobby", "connection reset"),
            ChatMessageKind.Notice => ChatMessage.Notice("alice", "lobby", "heads up"),
            ChatMessageKind.TopicChanged => ChatMessage.TopicChanged("alice", "lobby", "news"),
            ChatMessageKind.NickChanged => ChatMessage.NickChanged("alice", "al", "lobby"),
            _ => ChatMessage.Private("alice", "bob", "psst"),
        };

        Assert.Equal(expected, Encoding.UTF8.GetString(LineRenderer.Instance.Render(message)));
    }

    /// <summary>Another protocol's wording, counting how often it is asked.</summary>
    private sealed class CountingRenderer : IChatRenderer
    {
        public int Renders { get; private set; }

        public string ProtocolName => "other";

        public byte[] Render(ChatMessage message)
        {
            Renders++;
            return Encoding.UTF8.GetBytes($"other {message.Kind} {message.From} {message.Room} {Encoding.UTF8.GetString(message.Text.Span)}|");
        }
    }
}
