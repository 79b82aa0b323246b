using System.Text;
using ChatDaemon.Chat;
using ChatDaemon.Chat.Line;

namespace ChatDaemon.Tests.Chat;

public sealed class ListReplyTests
{
    private static List<string> Lines(List<byte[]> reply) => reply.Select(l => Encoding.UTF8.GetString(l).TrimEnd('\r', '\n')).ToList();

    [Fact]
    public void A_short_complete_list_stays_one_line_as_before()
    {
        var lines = Lines(ListReply.Render("in lobby: ", "in lobby: 2 members", ["alice", "bob"], 2));
        Assert.Equal(["* in lobby: alice, bob"], lines);
    }

    [Fact]
    public void A_long_list_is_a_heading_wrapped_entries_and_how_many_more()
    {
        var names = Enumerable.Range(0, 30).Select(i => $"member{i:D2}").ToList();
        var lines = Lines(ListReply.Render("in big: ", "in big: 1000 members", names, 1000));
        Assert.Equal("* in big: 1000 members", lines[0]);
        Assert.Equal("* ... and 970 more", lines[^1]);
        Assert.All(lines, l => Assert.True(l.Length <= ListReply.LineBytes, l));
        var shown = lines.Skip(1).SkipLast(1).SelectMany(l => l[2..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(names, shown);
    }

    [Fact]
    public void A_complete_list_too_long_for_one_line_ends_with_end_of_list()
    {
        var names = Enumerable.Range(0, 12).Select(i => $"someone-with-a-long-nick-{i:D2}").ToList();
        var lines = Lines(ListReply.Render("in r: ", "in r: 12 members", names, 12));
        Assert.Equal("* in r: 12 members", lines[0]);
        Assert.Equal("* end of list", lines[^1]);
    }

    [Fact]
    public void First_picks_the_smallest_in_order_and_counts_them_all()
    {
        var random = new Random(7);
        var items = Enumerable.Range(0, 5000).Select(_ => random.Next(1_000_000)).ToList();
        var first = ListReply.First(items, 50, Comparer<int>.Default, out int total);
        Assert.Equal(5000, total);
        Assert.Equal(items.Order().Take(50), first);
    }

    [Fact]
    public void First_of_fewer_than_asked_is_all_of_them_in_order()
    {
        var first = ListReply.First(["c", "a", "b"], 50, StringComparer.Ordinal, out int total);
        Assert.Equal(3, total);
        Assert.Equal(["a", "b", "c"], first);
    }
}
