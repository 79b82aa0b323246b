using System.Text;
using ChatDaemon.Chat;
using ChatDaemon.Chat.Irc;
using ChatDaemon.Chat.Line;

namespace ChatDaemon.Tests.Chat;

/// <summary>What the hub asks of and tells a backplane, with a recording one in memory (no broker).</summary>
public sealed class ChatHubBackplaneTests
{
    private readonly RecordingBackplane _backplane = new();
    private readonly ChatHub _hub;

    public ChatHubBackplaneTests() => _hub = new ChatHub(backplane: _backplane);

    private static ChatMember NewMember(IChatRenderer? renderer = null) => new(renderer ?? LineRenderer.Instance, new OutboundQueue());

    private static string Pending(ChatMember member) => Encoding.UTF8.GetString(member.Queue.CopyPending());

    [Fact]
    public async Task A_nick_another_instance_holds_is_refused_and_the_local_reservation_undone()
    {
        var alice = NewMember();
        _hub.ClaimGuestNick(alice);
        _backplane.Answer = BackplaneAnswer.No;

        Assert.False(await _hub.TryClaimNickAsync("taken", alice));

        Assert.Null(_hub.FindByNick("taken"));
        Assert.StartsWith("guest-", alice.Nick, StringComparison.Ordinal);
        Assert.DoesNotContain("released " + alice.Nick, _backplane.Calls);
    }

    [Fact]
    public async Task A_nick_claimed_across_instances_releases_the_old_one_and_moves_the_member_in_the_listings()
    {
        var alice = NewMember();
        _hub.ClaimGuestNick(alice);
        string guest = alice.Nick;
        _hub.Join("lobby", alice);
        _backplane.Calls.Clear();

        Assert.True(await _hub.TryClaimNickAsync("alice", alice));

        Assert.Equal(["claim alice", "released " + guest, "left lobby " + guest, "joined lobby alice"], _backplane.Calls);
    }

    [Fact]
    public async Task While_the_broker_is_unreachable_a_nick_is_taken_here_and_settled_later()
    {
        var alice = NewMember();
        _backplane.Answer = BackplaneAnswer.Unavailable;

        Assert.True(await _hub.TryClaimNickAsync("alice", alice));
        Assert.Same(alice, _hub.FindByNick("alice"));
    }

    [Fact]
    public void Guest_numbers_come_from_the_backplane_while_it_has_them_and_are_claimed_in_the_background()
    {
        _backplane.GuestNumbers.Enqueue(129);
        var first = NewMember();
        var second = NewMember();

        Assert.Equal("guest-129", _hub.ClaimGuestNick(first));
        Assert.Equal("guest-1", _hub.ClaimGuestNick(second)); // none at hand: numbered here, settled by the claim
        Assert.Contains("taken guest-129", _backplane.Calls);
        Assert.Contains("taken guest-1", _backplane.Calls);
    }

    [Fact]
    public void A_member_who_lost_its_nick_to_another_instance_is_renamed_told_why_and_its_roommates_see_the_change()
    {
        var twin = NewMember(IrcRenderer.Instance);
        var roommate = NewMember();
        Assert.True(_hub.TryClaimNick("twin", twin));
        Assert.True(_hub.TryClaimNick("roommate", roommate));
        _hub.Join("lobby", twin);
        _hub.Join("lobby", roommate);
        _backplane.GuestNumbers.Enqueue(7);

        _hub.NickLost("twin");

        Assert.Equal("guest-7", twin.Nick);
        Assert.Null(_hub.FindByNick("twin"));
        Assert.Equal(":twin!chat@localhost NICK guest-7\r\nNOTICE guest-7 :*** the nick twin belongs to someone on another server; you are now guest-7\r\n", Pending(twin));
        Assert.Equal("* twin is now known as guest-7\r\n", Pending(roommate));
        Assert.Contains(_backplane.Published, m => m.Kind == ChatMessageKind.NickChanged && m.From == "twin" && m.Detail == "guest-7");
        Assert.DoesNotContain("released twin", _backplane.Calls); // not this instance's to release
    }

    [Fact]
    public void A_member_handed_over_keeps_its_nick_claim_and_listing_and_one_who_leaves_gives_both_up()
    {
        var kept = NewMember();
        var gone = NewMember();
        Assert.True(_hub.TryClaimNick("kept", kept));
        Assert.True(_hub.TryClaimNick("gone", gone));
        _hub.Join("lobby", kept);
        _hub.Join("lobby", gone);
        _backplane.Calls.Clear();

        _hub.Depart(kept, announce: null, handingOver: true);
        _hub.Depart(gone, announce: null);

        Assert.Equal(["left lobby gone", "closed lobby", "released gone"], _backplane.Calls);
    }

    [Fact]
    public void An_event_told_in_several_rooms_crosses_as_one_and_is_heard_once_per_member_when_it_comes_back()
    {
        var carol = NewMember();
        Assert.True(_hub.TryClaimNick("carol", carol));
        _hub.Join("lobby", carol);
        _hub.Join("dev", carol);
        _backplane.Calls.Clear();

        _hub.TellRoommates(carol, room => ChatMessage.NickChanged("carol", "caz", room.Name));
        Assert.Equal(["once lobby,dev"], _backplane.Calls);

        // The same event from another instance, one share per room: carol, in both, hears it once.
        _hub.DeliverOnceFromBackplane(ChatMessage.NickChanged("zed", "zen", "lobby"), "b/1#7");
        _hub.DeliverOnceFromBackplane(ChatMessage.NickChanged("zed", "zen", "dev"), "b/1#7");
        Assert.Equal("* zed is now known as zen\r\n", Pending(carol));

        // Another event is another event.
        _hub.DeliverOnceFromBackplane(ChatMessage.NickChanged("zen", "zed", "dev"), "b/1#8");
        Assert.Equal("* zed is now known as zen\r\n* zen is now known as zed\r\n", Pending(carol));
    }

    [Fact]
    public void Rooms_are_told_about_the_link_in_each_members_protocol()
    {
        var line = NewMember();
        var irc = NewMember(IrcRenderer.Instance);
        Assert.True(_hub.TryClaimNick("line", line));
        Assert.True(_hub.TryClaimNick("irc", irc));
        _hub.Join("lobby", line);
        _hub.Join("lobby", irc);

        _hub.NoticeToAllRooms("the link is down");

        Assert.Equal("* the link is down\r\n", Pending(line));
        Assert.Equal("NOTICE #lobby :*** the link is down\r\n", Pending(irc));
    }

    private sealed class RecordingBackplane : IChatBackplane
    {
        public List<string> Calls { get; } = [];

        public List<ChatMessage> Published { get; } = [];

        public Queue<long> GuestNumbers { get; } = new();

        public BackplaneAnswer Answer { get; set; } = BackplaneAnswer.Yes;

        public long MessagesNotCrossed => 0;

        public void Attach(ChatHub hub)
        {
        }

        public void Publish(ChatMessage message) => Published.Add(message);

        public void PublishOnce(IReadOnlyList<ChatMessage> perRoom)
        {
            Calls.Add("once " + string.Join(",", perRoom.Select(m => m.Room)));
            Published.AddRange(perRoom);
        }

        public void RoomOpened(string room) => Calls.Add("opened " + room);

        public void RoomClosed(string room) => Calls.Add("closed " + room);

        public Task<BackplaneAnswer> ClaimNickAsync(string nick)
        {
            Calls.Add("claim " + nick);
            return Task.FromResult(Answer);
        }

        public void NickTaken(string nick) => Calls.Add("taken " + nick);

        public void NickReleased(string nick) => Calls.Add("released " + nick);

        public bool TryTakeGuestNumber(out long number) => GuestNumbers.TryDequeue(out number);

        public void MemberJoined(string room, ChatMember member) => Calls.Add($"joined {room} {member.Nick}");

        public void MemberLeft(string room, string nick) => Calls.Add($"left {room} {nick}");

        public Task<BackplaneAnswer> SendToNickAsync(ChatMessage message) => Task.FromResult(Answer);

        public Task<IReadOnlyList<RemoteMember>?> RemoteMembersAsync(string room) => Task.FromResult<IReadOnlyList<RemoteMember>?>([]);

        public Task<IReadOnlyList<string>?> NicksElsewhereAsync(IReadOnlyList<string> nicks) => Task.FromResult<IReadOnlyList<string>?>([]);

        public Task<IReadOnlyList<KeyValuePair<string, int>>?> RemoteRoomsAsync() => Task.FromResult<IReadOnlyList<KeyValuePair<string, int>>?>([]);

        public string Describe() => "recording";
    }
}
