using System.Buffers.Binary;
using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class MemberStateFileTests
{
    private static MemberState Member(string nick, params string[] rooms) => new() { Protocol = "line", Nick = nick, Rooms = rooms, LinesSent = nick.Length };

    [Fact]
    public void A_file_written_at_once_reads_back_every_member_by_its_name()
    {
        var file = MemberStateFile.Write([new("c-1", Member("alice", "dev")), new("c-2", Member("bob", "lobby"))]);
        var contents = MemberStateFile.Read(file);
        Assert.Empty(contents.Problems);
        Assert.Equal(["c-1", "c-2"], contents.Members.Keys.Order());
        Assert.Equal("alice", contents.Members["c-1"].Nick);
        Assert.Equal(["dev"], contents.Members["c-1"].Rooms);
        Assert.Equal("bob", contents.Members["c-2"].Nick);
    }

    [Fact]
    public void Appended_records_change_a_member_and_a_member_who_left_is_gone()
    {
        byte[] file =
        [
            .. MemberStateFile.Header(),
            .. MemberStateFile.Record("c-1", Member("guest-1", "lobby")),
            .. MemberStateFile.Record("c-2", Member("bob", "lobby")),
            .. MemberStateFile.Record("c-1", Member("alice", "dev")),
            .. MemberStateFile.Record("c-2", null),
        ];
        var contents = MemberStateFile.Read(file);
        Assert.Empty(contents.Problems);
        var alice = Assert.Single(contents.Members);
        Assert.Equal("c-1", alice.Key);
        Assert.Equal("alice", alice.Value.Nick);
        Assert.Equal(["dev"], alice.Value.Rooms);
    }

    [Fact]
    public void A_record_cut_short_by_a_crash_is_reported_and_the_records_before_it_are_kept()
    {
        byte[] whole =
        [
            .. MemberStateFile.Header(),
            .. MemberStateFile.Record("c-1", Member("alice")),
            .. MemberStateFile.Record("c-2", Member("bob")),
        ];
        int secondAt = MemberStateFile.HeaderBytes + MemberStateFile.Record("c-1", Member("alice")).Length;
        for (int cut = secondAt + 1; cut < whole.Length; cut++)
        {
            var contents = MemberStateFile.Read(whole.AsSpan(0, cut));
            Assert.Equal(["c-1"], contents.Members.Keys);
            var problem = Assert.Single(contents.Problems);
            Assert.Contains("record 2", problem);
        }
    }

    [Fact]
    public void A_record_whose_state_does_not_decode_costs_only_that_member()
    {
        var bad = MemberStateFile.Record("c-2", Member("bob"));
        // The state's version field: 4 + name ("c-2") + 4 bytes of state length, then "CDMS".
        BinaryPrimitives.WriteUInt16LittleEndian(bad.AsSpan(2 + 3 + 4 + 4), 9);
        byte[] file = [.. MemberStateFile.Header(), .. MemberStateFile.Record("c-1", Member("alice")), .. bad, .. MemberStateFile.Record("c-3", Member("carol"))];

        var contents = MemberStateFile.Read(file);
        Assert.Equal(["c-1", "c-3"], contents.Members.Keys.Order());
        var problem = Assert.Single(contents.Problems);
        Assert.Equal("record 2 (c-2): member state version 9 is not supported (this build reads versions 1 and 2)", problem);
    }

    [Theory]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1 }, "not a ChatDaemon member state file (no CDSF magic)")]
    [InlineData(new byte[] { (byte)'C', (byte)'D', (byte)'S', (byte)'F', 2, 0 }, "member state file version 2 is not supported (this build reads version 1)")]
    [InlineData(new byte[] { (byte)'C', (byte)'D' }, "member state file truncated: 2 bytes, less than its 6-byte header")]
    public void A_file_that_is_not_a_member_state_file_of_this_version_is_refused_whole(byte[] file, string message)
    {
        var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateFile.Read(file));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void An_empty_file_after_its_header_holds_no_members()
    {
        var contents = MemberStateFile.Read(MemberStateFile.Header());
        Assert.Empty(contents.Members);
        Assert.Empty(contents.Problems);
    }
}
