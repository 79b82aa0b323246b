using System.Buffers.Binary;
using System.Text;
using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class MemberStateCodecTests
{
    private static MemberState Sample() => new()
    {
        Protocol = "line",
        Nick = "alice",
        Rooms = ["lobby", "dev"],
        UnsentOutput = Encoding.UTF8.GetBytes("<bob> hi\r\n* carol joined lobby\r\n"),
        PendingInput = Encoding.UTF8.GetBytes("half a li"),
        SkippingLongLine = true,
        RateTokens = 3.25,
        LinesSent = 1234567890123,
        LinesTooLong = 7,
    };

    private static void AssertSame(MemberState expected, MemberState actual)
    {
        Assert.Equal(expected.Protocol, actual.Protocol);
        Assert.Equal(expected.Nick, actual.Nick);
        Assert.Equal(expected.Rooms, actual.Rooms);
        Assert.Equal(expected.UnsentOutput, actual.UnsentOutput);
        Assert.Equal(expected.PendingInput, actual.PendingInput);
        Assert.Equal(expected.SkippingLongLine, actual.SkippingLongLine);
        Assert.Equal(expected.RateTokens, actual.RateTokens);
        Assert.Equal(expected.LinesSent, actual.LinesSent);
        Assert.Equal(expected.LinesTooLong, actual.LinesTooLong);
        Assert.Equal(expected.Attributes.OrderBy(a => a.Key), actual.Attributes.OrderBy(a => a.Key));
    }

    [Fact]
    public void A_state_comes_back_from_its_binary_form_field_for_field()
    {
        var state = Sample();
        AssertSame(state, MemberStateCodec.Decode(MemberStateCodec.Encode(state)));
    }

    [Fact]
    public void An_empty_state_with_a_full_bucket_round_trips()
    {
        var state = new MemberState { Protocol = "line", Nick = "" };
        var back = MemberStateCodec.Decode(MemberStateCodec.Encode(state));
        AssertSame(state, back);
        Assert.True(double.IsNaN(back.RateTokens));
    }

    [Fact]
    public void A_state_with_attributes_comes_back_with_them_in_version_2()
    {
        var state = new MemberState
        {
            Protocol = "irc",
            Nick = "alice",
            Rooms = ["lobby"],
            Attributes = new Dictionary<string, string> { ["user"] = "~al", ["realname"] = "Alice Liddell", ["away"] = "" },
        };
        var blob = MemberStateCodec.Encode(state);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(4)));
        AssertSame(state, MemberStateCodec.Decode(blob));
    }

    [Fact]
    public void A_state_without_attributes_is_written_as_version_1_so_older_builds_read_it()
    {
        var blob = MemberStateCodec.Encode(Sample());
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(4)));
    }

    [Fact]
    public void The_binary_form_starts_with_its_magic_and_version()
    {
        var blob = MemberStateCodec.Encode(Sample());
        Assert.Equal("CDMS"u8.ToArray(), blob[..4]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(4)));
        Assert.Equal(blob.Length - 10, (int)BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(6)));
    }

    [Fact]
    public void Every_truncation_of_a_state_is_rejected_as_truncated()
    {
        var blob = MemberStateCodec.Encode(Sample());
        for (int length = 0; length < blob.Length; length++)
        {
            var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateCodec.Decode(blob.AsSpan(0, length)));
            Assert.Contains("truncated", ex.Message);
        }
    }

    [Fact]
    public void A_state_whose_body_is_cut_but_whose_header_agrees_names_the_field_it_ends_in()
    {
        var blob = MemberStateCodec.Encode(Sample());
        var cut = blob[..^20];
        BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(6), (uint)(cut.Length - 10));
        var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateCodec.Decode(cut));
        Assert.Contains("truncated in its counter", ex.Message);
    }

    [Theory]
    [InlineData("GIF89a and then some more bytes")]
    [InlineData("{\"nick\":\"alice\"}")]
    public void A_foreign_blob_is_rejected_as_not_a_member_state(string foreign)
    {
        var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateCodec.Decode(Encoding.UTF8.GetBytes(foreign)));
        Assert.Equal("not a ChatDaemon member state (no CDMS magic)", ex.Message);
    }

    [Fact]
    public void A_state_of_another_version_is_rejected_with_both_versions_named()
    {
        var blob = MemberStateCodec.Encode(Sample());
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), 3);
        var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateCodec.Decode(blob));
        Assert.Equal("member state version 3 is not supported (this build reads versions 1 and 2)", ex.Message);
    }

    [Fact]
    public void Bytes_after_the_end_of_a_state_are_rejected()
    {
        byte[] blob = [.. MemberStateCodec.Encode(Sample()), 0, 0];
        var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateCodec.Decode(blob));
        Assert.Equal("member state has 2 bytes after its end", ex.Message);
    }

    [Fact]
    public void A_buffer_length_past_the_allowed_size_is_rejected_without_allocating_it()
    {
        var state = new MemberState { Protocol = "line", Nick = "a" };
        var blob = MemberStateCodec.Encode(state);
        // protocol (2 + 4), nick (2 + 1), room count (2): the unsent output's length follows.
        int at = 10 + 6 + 3 + 2;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(at), uint.MaxValue);
        var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateCodec.Decode(blob));
        Assert.Contains("unsent output announces 4294967295 bytes", ex.Message);
    }

    [Fact]
    public void A_counter_this_build_does_not_know_is_skipped()
    {
        var state = Sample();
        var blob = MemberStateCodec.Encode(state);
        // The counters close the body: u16 count, then (u16 id, i64 value) pairs. Add one with id 99.
        int countAt = blob.Length - 2 - (2 * 10);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(countAt)));
        var extra = new byte[10];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 99);
        BinaryPrimitives.WriteInt64LittleEndian(extra.AsSpan(2), 5);
        byte[] newer = [.. blob, .. extra];
        BinaryPrimitives.WriteUInt16LittleEndian(newer.AsSpan(countAt), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(newer.AsSpan(6), (uint)(newer.Length - 10));

        AssertSame(state, MemberStateCodec.Decode(newer));
    }

    [Fact]
    public void A_name_that_is_not_UTF8_is_rejected()
    {
        var blob = MemberStateCodec.Encode(new MemberState { Protocol = "line", Nick = "ab" });
        blob[10 + 6 + 2] = 0xFF; // the nick's first byte
        var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateCodec.Decode(blob));
        Assert.Equal("member state's nick is not valid UTF-8", ex.Message);
    }

    [Fact]
    public void An_input_flag_this_build_does_not_know_is_refused_because_it_changes_how_the_input_is_read()
    {
        var state = new MemberState { Protocol = "line", Nick = "a" };
        var blob = MemberStateCodec.Encode(state);
        // protocol (2 + 4), nick (2 + 1), room count (2), unsent output (4), pending input (4): the flags follow.
        int at = 10 + 6 + 3 + 2 + 4 + 4;
        Assert.Equal(0, blob[at]);
        blob[at] = 0x82;
        var ex = Assert.Throws<MemberStateFormatException>(() => MemberStateCodec.Decode(blob));
        Assert.Equal("member state has unknown input flags 0x82", ex.Message);
    }
}
