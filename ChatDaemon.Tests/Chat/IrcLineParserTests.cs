using System.Text;
using ChatDaemon.Chat.Irc;

namespace ChatDaemon.Tests.Chat;

public sealed class IrcLineParserTests
{
    private static (string Command, string[] Parameters) Parse(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var ranges = new Range[IrcLineParser.MaxParameters];
        int count = IrcLineParser.Parse(bytes, ranges, out var command);
        return count < 0 ? ("", []) : (Encoding.UTF8.GetString(bytes[command]), ranges[..count].Select(r => Encoding.UTF8.GetString(bytes[r])).ToArray());
    }

    [Fact]
    public void Middle_parameters_and_a_trailing_one_with_spaces_are_split()
    {
        var (command, parameters) = Parse("PRIVMSG #lobby :hello there :)");
        Assert.Equal("PRIVMSG", command);
        Assert.Equal(["#lobby", "hello there :)"], parameters);
    }

    [Fact]
    public void Tags_and_a_prefix_from_the_client_are_skipped()
    {
        var (command, parameters) = Parse("@label=1;x :someone!u@h JOIN #a,#b");
        Assert.Equal("JOIN", command);
        Assert.Equal(["#a,#b"], parameters);
    }

    [Fact]
    public void Several_spaces_between_parameters_count_as_one()
    {
        Assert.Equal(["alice", "0", "*", "Alice L"], Parse("USER  alice   0 * :Alice L").Parameters);
    }

    [Fact]
    public void An_empty_trailing_parameter_is_kept()
    {
        Assert.Equal(["#lobby", ""], Parse("TOPIC #lobby :").Parameters);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(":prefix-only")]
    [InlineData("@tags-only")]
    public void A_line_without_a_command_is_nothing(string line)
    {
        Assert.Equal("", Parse(line).Command);
    }

    [Fact]
    public void After_fourteen_middle_parameters_the_rest_of_the_line_is_the_fifteenth()
    {
        var parameters = Parse("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17").Parameters;
        Assert.Equal(15, parameters.Length);
        Assert.Equal("15 16 17", parameters[^1]);
    }
}
