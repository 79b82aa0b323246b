using System.Text;
using ChatDaemon.Backplane;
using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Backplane;

public class BackplaneEnvelopeTests
{
    [Fact]
    public void A_message_crosses_with_every_field_its_origin_and_its_number()
    {
        var sent = ChatMessage.FromParts(ChatMessageKind.Quit, "zoë", "lobby", Encoding.UTF8.GetBytes("line one\nline two"), "bye", "user@2001:db8::1");

        byte[] bytes = BackplaneEnvelope.Encode("instance-1", 42, sent);

        Assert.True(BackplaneEnvelope.TryDecode(bytes, out string origin, out long sequence, out var received));
        Assert.Equal(("instance-1", 42L), (origin, sequence));
        Assert.Equal((sent.Kind, sent.From, sent.Room, sent.Detail, sent.FromUserHost), (received.Kind, received.From, received.Room, received.Detail, received.FromUserHost));
        Assert.Equal(sent.Text.ToArray(), received.Text.ToArray());
    }

    [Fact]
    public void One_rooms_share_of_an_event_carries_the_event_number_and_a_plain_message_none()
    {
        var share = ChatMessage.NickChanged("carol", "caz", "dev", "chat@host");

        byte[] bytes = BackplaneEnvelope.Encode("b/1", 9, share, eventNumber: 77);
        byte[] plain = BackplaneEnvelope.Encode("b/1", 10, share);

        Assert.Equal(BackplaneEnvelope.EventVersion, bytes[0]);
        Assert.Equal(BackplaneEnvelope.Version, plain[0]);
        Assert.True(BackplaneEnvelope.TryDecode(bytes, out string origin, out long sequence, out long eventNumber, out var received));
        Assert.Equal(("b/1", 9L, 77L), (origin, sequence, eventNumber));
        Assert.Equal((share.Kind, share.From, share.Room, share.Detail), (received.Kind, received.From, received.Room, received.Detail));
        Assert.True(BackplaneEnvelope.TryDecode(plain, out _, out _, out eventNumber, out _));
        Assert.Equal(0, eventNumber);
        Assert.False(BackplaneEnvelope.TryDecode(bytes.AsMemory(0, 12), out _, out _, out _, out _));
    }

    [Fact]
    public void Anything_else_on_the_channel_is_refused_not_guessed_at()
    {
        byte[] valid = BackplaneEnvelope.Encode("a", 1, ChatMessage.Joined("bob", "lobby"));
        byte[] newer = [.. valid];
        newer[0] = BackplaneEnvelope.EventVersion + 1;
        byte[] unknownKind = [.. valid];
        unknownKind[1] = 200;

        Assert.False(BackplaneEnvelope.TryDecode("hello"u8.ToArray(), out _, out _, out _));
        Assert.False(BackplaneEnvelope.TryDecode(newer, out _, out _, out _));
        Assert.False(BackplaneEnvelope.TryDecode(unknownKind, out _, out _, out _));
        Assert.False(BackplaneEnvelope.TryDecode(valid.AsMemory(0, valid.Length - 1), out _, out _, out _));
        Assert.False(BackplaneEnvelope.TryDecode((byte[])[.. valid, 0], out _, out _, out _));
    }
}
