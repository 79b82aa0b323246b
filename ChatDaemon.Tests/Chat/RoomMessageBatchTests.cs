using System.Text;
using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class RoomMessageBatchTests
{
    [Fact]
    public void A_batch_holds_each_message_framed_as_it_would_be_alone_and_is_empty_after_take()
    {
        var batch = new RoomMessageBatch();
        batch.AppendMessage("ann"u8, "hi"u8);
        batch.AppendMessage("ann"u8, "there"u8);

        var lines = batch.Take();

        Assert.Equal("<ann> hi\r\n<ann> there\r\n", Encoding.ASCII.GetString(lines));
        Assert.Equal([.. ChatText.RoomMessage("ann"u8.ToArray(), "hi"u8), .. ChatText.RoomMessage("ann"u8.ToArray(), "there"u8)], lines);
        Assert.True(batch.IsEmpty);
        Assert.Equal(0, batch.Length);
    }

    [Fact]
    public void A_batch_grows_past_its_first_buffer_without_losing_or_reordering_bytes()
    {
        var batch = new RoomMessageBatch();
        var expected = new StringBuilder();
        for (int i = 0; i < 500; i++)
        {
            string text = $"message {i} " + new string('x', i % 97);
            batch.AppendMessage("n"u8, Encoding.ASCII.GetBytes(text));
            expected.Append($"<n> {text}\r\n");
        }

        Assert.Equal(expected.Length, batch.Length);
        Assert.Equal(expected.ToString(), Encoding.ASCII.GetString(batch.Take()));
    }

    [Fact]
    public void A_released_batch_drops_what_was_pending_and_can_be_used_again()
    {
        var batch = new RoomMessageBatch();
        batch.AppendMessage("n"u8, "lost"u8);
        batch.Release();
        Assert.True(batch.IsEmpty);

        batch.AppendMessage("n"u8, "kept"u8);
        Assert.Equal("<n> kept\r\n", Encoding.ASCII.GetString(batch.Take()));
    }
}
