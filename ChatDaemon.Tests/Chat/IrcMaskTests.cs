using ChatDaemon.Chat.Irc;

namespace ChatDaemon.Tests.Chat;

public sealed class IrcMaskTests
{
    [Theory]
    [InlineData("*", "anything")]
    [InlineData("*", "")]
    [InlineData("al*", "alice")]
    [InlineData("AL*", "alice")]
    [InlineData("a?ice", "alice")]
    [InlineData("*ice", "alice")]
    [InlineData("*l*c*", "alice")]
    [InlineData("alice", "ALICE")]
    [InlineData("127.0.*", "127.0.0.1")]
    public void A_mask_matches_with_stars_question_marks_and_ASCII_case_folded(string mask, string text) =>
        Assert.True(IrcMask.Matches(mask, text));

    [Theory]
    [InlineData("al*", "bob")]
    [InlineData("a?ice", "aice")]
    [InlineData("alice", "alice2")]
    [InlineData("*ice", "icebox")]
    [InlineData("", "x")]
    public void A_mask_must_match_the_whole_text(string mask, string text) =>
        Assert.False(IrcMask.Matches(mask, text));

    [Fact]
    public void A_mask_of_many_stars_that_cannot_match_fails_quickly()
    {
        string text = new('a', 10_000);
        var started = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(IrcMask.Matches("*a*a*a*a*a*a*a*a*a*b", text));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"took {started.Elapsed}");
    }
}
