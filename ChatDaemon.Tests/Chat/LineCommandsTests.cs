using System.Text;
using ChatDaemon.Chat.Line;

namespace ChatDaemon.Tests.Chat;

public sealed class LineCommandsTests
{
    [Theory]
    [InlineData("hello", false, "", "hello")]
    [InlineData("/nick  alice ", true, "nick", "alice")]
    [InlineData("/NICK bob", true, "NICK", "bob")]
    [InlineData("/join\tdev", true, "join", "dev")]
    [InlineData("/who", true, "who", "")]
    [InlineData("/msg bob hi there", true, "msg", "bob hi there")]
    [InlineData("/dance now", true, "dance", "now")]
    [InlineData("//not a command", false, "", "/not a command")]
    public void Lines_split_into_command_names_and_arguments(string line, bool isCommand, string name, string argument)
    {
        var input = LineInput.Parse(line);
        Assert.Equal(isCommand, input.IsCommand);
        Assert.Equal(name, input.Name);
        Assert.Equal(argument, input.Argument);
    }

    [Theory]
    [InlineData("nick")]
    [InlineData("NICK")]
    [InlineData("Rooms")]
    [InlineData("quit")]
    public void Commands_are_found_by_name_whatever_the_case(string name)
    {
        Assert.Equal(name.ToLowerInvariant(), LineCommands.Table.Find(name)?.Name);
    }

    [Fact]
    public void An_unknown_name_finds_no_command()
    {
        Assert.Null(LineCommands.Table.Find("dance"));
        Assert.Null(LineCommands.Table.Find(""));
    }

    [Fact]
    public void Help_has_a_line_with_the_usage_and_summary_of_every_command_in_the_table()
    {
        var help = LineCommands.Table.HelpLines.Select(l => Encoding.UTF8.GetString(l).TrimEnd('\r', '\n')).ToList();
        Assert.Equal("* commands:", help[0]);
        foreach (var command in LineCommands.All)
        {
            Assert.Contains(help, l => l.StartsWith("*   " + command.Usage + " ", StringComparison.Ordinal) && l.EndsWith(command.Summary, StringComparison.Ordinal));
        }

        Assert.Equal(LineCommands.All.Count + 2, help.Count);
    }

    [Fact]
    public void No_line_command_walks_shared_state_on_the_event_loop_as_a_whole_command()
    {
        // /who and /rooms walk a room or every room and may ask other instances (issue 16): they hand that work
        // to ChatSession.ContinueOffLoop themselves, so no command of the table is flagged to run off the loop whole.
        Assert.DoesNotContain(LineCommands.All, c => c.WalksSharedState);
    }
}
