using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ChatDaemon.Chat;
using ChatDaemon.Chat.Line;
using ChatDaemon.Configuration;
using ChatDaemon.Hosting;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace ChatDaemon.Tests.Hosting;

/// <summary>The members' state file as a crash would leave it: what the memfd handed to the store says.</summary>
public sealed class KeptMemberStatesTests : IDisposable
{
    private readonly RecordingStore _store = new();
    private readonly KeptConnections _keeper;
    private readonly KeptMemberStates _states;
    private readonly ChatHub _hub;
    private readonly List<Socket> _sockets = [];

    public KeptMemberStatesTests()
    {
        _keeper = new KeptConnections(_store, NullLogger<KeptConnections>.Instance);
        _keeper.Enable();
        _states = new KeptMemberStates(_keeper, _store, NullLogger<KeptMemberStates>.Instance);
        _hub = new ChatHub(_states);
        Assert.True(_states.Start());
    }

    public void Dispose()
    {
        _states.Dispose();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private ChatMember Connect()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(socket);
        var context = new DefaultConnectionContext($"c{_sockets.Count}", new Duplex(), new Duplex());
        context.Features.Set<IConnectionSocketFeature>(new SocketFeature(socket));
        var connection = new ClientConnection(context, ListenerProtocol.Chat);
        _keeper.Keep(connection, null);
        return new ChatMember(LineRenderer.Instance, new OutboundQueue(), connection);
    }

    private MemberStateFileContents Kept()
    {
        var file = _store.Stored[KeptMemberStates.StateName];
        var bytes = new byte[RandomAccess.GetLength(file)];
        RandomAccess.Read(file, bytes, 0);
        return MemberStateFile.Read(bytes);
    }

    [Fact]
    public void Every_nick_and_room_change_is_in_the_kept_file_and_a_member_who_left_is_not()
    {
        var alice = Connect();
        var bob = Connect();
        _hub.ClaimGuestNick(alice);
        _hub.Join("lobby", alice);
        _hub.ClaimGuestNick(bob);
        _hub.Join("lobby", bob);
        Assert.True(_hub.TryClaimNick("alice", alice));
        _hub.Leave(_hub.FindRoom("lobby")!, alice);
        _hub.Join("dev", alice);
        _hub.Depart(bob, null);

        var kept = Kept();
        Assert.Empty(kept.Problems);
        var state = Assert.Single(kept.Members).Value;
        Assert.Equal("alice", state.Nick);
        Assert.Equal(["dev"], state.Rooms);
        Assert.Equal("line", state.Protocol);
    }

    [Fact]
    public void A_members_published_attributes_are_in_the_kept_file()
    {
        var vera = Connect();
        Assert.True(_hub.TryClaimNick("vera", vera));
        vera.Attributes = new Dictionary<string, string> { ["registered"] = "1", ["user"] = "~vera", ["away"] = "brb" };
        _hub.Changed(vera);

        var state = Assert.Single(Kept().Members).Value;
        Assert.Equal("vera", state.Nick);
        Assert.Equal("~vera", state.Attributes["user"]);
        Assert.Equal("brb", state.Attributes["away"]);
        Assert.Equal("1", state.Attributes["registered"]);
    }

    [Fact]
    public void A_file_grown_past_a_mebibyte_is_compacted_to_the_last_state_of_each_member()
    {
        var members = Enumerable.Range(0, 10).Select(_ => Connect()).ToList();
        foreach (var member in members)
        {
            _hub.ClaimGuestNick(member);
        }

        for (int round = 0; round < 3000; round++)
        {
            foreach (var member in members)
            {
                var room = _hub.Join($"r{round % 7}", member);
                _hub.Leave(room, member);
            }
        }

        foreach (var member in members)
        {
            _hub.Join("final", member);
        }

        long length = RandomAccess.GetLength(_store.Stored[KeptMemberStates.StateName]);
        Assert.True(length < 1024 * 1024, $"{length} bytes: never compacted");
        var kept = Kept();
        Assert.Empty(kept.Problems);
        Assert.Equal(10, kept.Members.Count);
        Assert.All(kept.Members.Values, state => Assert.Equal(["final"], state.Rooms));
    }

    [Fact]
    public void Once_frozen_changes_are_not_written()
    {
        var alice = Connect();
        _hub.ClaimGuestNick(alice);
        _hub.Join("lobby", alice);
        _states.Freeze();
        _hub.Depart(alice, null);
        Assert.Single(Kept().Members);
    }

    private sealed class RecordingStore : IFileDescriptorStore
    {
        public Dictionary<string, SafeFileHandle> Stored { get; } = [];

        public bool IsEnabled => true;

        public bool Store(string name, SafeHandle descriptor, bool pollForHangup = true)
        {
            if (descriptor is SafeFileHandle file)
            {
                Stored[name] = file;
            }

            return true;
        }

        public bool Remove(string name) => Stored.Remove(name);
    }

    private sealed class SocketFeature(Socket socket) : IConnectionSocketFeature
    {
        public Socket Socket { get; } = socket;
    }

    private sealed class Duplex : IDuplexPipe
    {
        private readonly Pipe _pipe = new();

        public PipeReader Input => _pipe.Reader;

        public PipeWriter Output => _pipe.Writer;
    }
}
