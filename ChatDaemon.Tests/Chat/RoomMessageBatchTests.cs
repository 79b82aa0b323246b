using System.Text;
using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class RoomMessageBatchTests
{
    [Fact]
    public void A_batch_holds_its_lines_in_order_separated_by_LF_and_is_empty_after_take()
    {
        var batch = new RoomMessageBatch();
        batch.Append("hi"u8);
        batch.Append("there"u8);
        Assert.Equal(2, batch.Lines);

        var lines = batch.Take();

        Assert.Equal("hi\nthere", Encoding.ASCII.GetString(lines));
        Assert.True(batch.IsEmpty);
        Assert.Equal(0, batch.Length);
        Assert.Equal(0, batch.Lines);
    }

    [Fact]
    public void A_batch_grows_past_its_first_buffer_without_losing_or_reordering_bytes()
    {
        var batch = new RoomMessageBatch();
        var expected = new List<string>();
        for (int i = 0; i < 500; i++)
        {
            string text = $"message {i} " + new string('x', i % 97);
            batch.Append(Encoding.ASCII.GetBytes(text));
            expected.Add(text);
        }

        Assert.Equal(string.Join('\n', expected).Length, batch.Length);
        Assert.Equal(string.Join('\n', expected), Encoding.ASCII.GetString(batch.Take()));
    }

    [Fact]
    public void A_released_batch_drops_what_was_pending_and_can_be_used_again()
    {
        var batch = new RoomMessageBatch();
        batch.Append("lost"u8);
        batch.Release();
        Assert.True(batch.IsEmpty);

        batch.Append("kept"u8);
        Assert.Equal("kept", Encoding.ASCII.GetString(batch.Take()));
    }
}
