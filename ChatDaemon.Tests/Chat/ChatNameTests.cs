using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class ChatNameTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("Alice_99-x", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)] // 32
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)] // 33
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("has space", false)]
    [InlineData("dot.ted", false)]
    [InlineData("ümlaut", false)]
    [InlineData("tab\t", false)]
    public void Nicks_are_1_to_32_of_letters_digits_underscore_and_dash(string? nick, bool valid) =>
        Assert.Equal(valid, NickName.IsValid(nick));

    [Fact]
    public void Nicks_and_rooms_compare_regardless_of_case()
    {
        Assert.True(NickName.Comparer.Equals("Alice", "aLICE"));
        Assert.True(RoomName.Comparer.Equals("Lobby", "lobby"));
    }

    [Theory]
    [InlineData("lobby", true)]
    [InlineData("#lobby", false)]
    [InlineData("a b", false)]
    public void Room_names_follow_the_same_rules(string room, bool valid) => Assert.Equal(valid, RoomName.IsValid(room));
}
