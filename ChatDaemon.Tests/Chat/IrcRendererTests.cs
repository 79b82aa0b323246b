using System.Text;
using ChatDaemon.Chat;
using ChatDaemon.Chat.Irc;

namespace ChatDaemon.Tests.Chat;

public sealed class IrcRendererTests
{
    private static string Render(ChatMessage message) => Encoding.UTF8.GetString(IrcRenderer.Instance.Render(message));

    [Theory]
    [InlineData(ChatMessageKind.Action, ":al!~a@h PRIVMSG #lobby :\u0001ACTION waves\u0001\r\n")]
    [InlineData(ChatMessageKind.Joined, ":al!~a@h JOIN #lobby\r\n")]
    [InlineData(ChatMessageKind.Left, ":al!~a@h PART #lobby :moving on\r\n")]
    [InlineData(ChatMessageKind.Quit, ":al!~a@h QUIT :Quit: bye\r\n")]
    [InlineData(ChatMessageKind.Disconnected, ":al!~a@h QUIT :connection reset\r\n")]
    [InlineData(ChatMessageKind.NickChanged, ":al!~a@h NICK alice\r\n")]
    [InlineData(ChatMessageKind.Private, ":al!~a@h PRIVMSG bob :psst\r\n")]
    [InlineData(ChatMessageKind.PrivateNotice, ":al!~a@h NOTICE bob :fyi\r\n")]
    [InlineData(ChatMessageKind.Notice, ":al!~a@h NOTICE #lobby :heads up\r\n")]
    [InlineData(ChatMessageKind.TopicChanged, ":al!~a@h TOPIC #lobby :news\r\n")]
    public void Each_kind_of_message_is_worded_as_irc_words_it(ChatMessageKind kind, string expected)
    {
        var message = kind switch
        {
            ChatMessageKind.Action => ChatMessage.Action("al", "lobby", "waves", "~a@h"),
            ChatMessageKind.Joined => ChatMessage.Joined("al", "lobby", "~a@h"),
            ChatMessageKind.Left => ChatMessage.Left("al", "lobby", "moving on", "~a@h"),
            ChatMessageKind.Quit => ChatMessage.Quit("al", "lobby", "bye", "~a@h"),
            ChatMessageKind.Disconnected => ChatMessage.Disconnected("al", "lobby", "connection reset", "~a@h"),
            ChatMessageKind.NickChanged => ChatMessage.NickChanged("al", "alice", "lobby", "~a@h"),
            ChatMessageKind.Private => ChatMessage.Private("al", "bob", "psst", "~a@h"),
            ChatMessageKind.PrivateNotice => ChatMessage.PrivateNotice("al", "bob", "fyi", "~a@h"),
            ChatMessageKind.Notice => ChatMessage.Notice("al", "lobby", "heads up", "~a@h"),
            _ => ChatMessage.TopicChanged("al", "lobby", "news", "~a@h"),
        };

        Assert.Equal(expected, Render(message));
    }

    [Fact]
    public void A_burst_of_lines_becomes_one_privmsg_per_line()
    {
        var message = ChatMessage.Say("bob", "lobby", "one\ntwo"u8.ToArray(), "chat@h");
        Assert.Equal(":bob!chat@h PRIVMSG #lobby :one\r\n:bob!chat@h PRIVMSG #lobby :two\r\n", Render(message));
    }

    [Fact]
    public void A_sender_without_user_and_host_is_shown_by_nick()
    {
        Assert.Equal(":bob PRIVMSG #lobby :hi\r\n", Render(ChatMessage.Say("bob", "lobby", "hi"u8.ToArray())));
    }

    [Fact]
    public void A_line_too_long_for_irc_is_cut_into_pieces_at_character_boundaries()
    {
        string text = string.Concat(Enumerable.Repeat("é", 700)); // 1,400 bytes
        var lines = Render(ChatMessage.Say("bob", "lobby", Encoding.UTF8.GetBytes(text), "chat@h")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3);
        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) + 2 <= 512));
        Assert.Equal(text, string.Concat(lines.Select(l => l[":bob!chat@h PRIVMSG #lobby :".Length..])));
    }
}
