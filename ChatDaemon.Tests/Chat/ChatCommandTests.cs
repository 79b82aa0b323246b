using ChatDaemon.Chat;

namespace ChatDaemon.Tests.Chat;

public sealed class ChatCommandTests
{
    [Theory]
    [InlineData("hello", ChatCommandKind.Message, "hello")]
    [InlineData("/nick  alice ", ChatCommandKind.Nick, "alice")]
    [InlineData("/NICK bob", ChatCommandKind.Nick, "bob")]
    [InlineData("/join\tdev", ChatCommandKind.Join, "dev")]
    [InlineData("/who", ChatCommandKind.Who, "")]
    [InlineData("/rooms", ChatCommandKind.Rooms, "")]
    [InlineData("/msg bob hi there", ChatCommandKind.Msg, "bob hi there")]
    [InlineData("/me waves", ChatCommandKind.Me, "waves")]
    [InlineData("/quit bye all", ChatCommandKind.Quit, "bye all")]
    [InlineData("/help", ChatCommandKind.Help, "")]
    [InlineData("/dance now", ChatCommandKind.Unknown, "now")]
    [InlineData("//not a command", ChatCommandKind.Message, "/not a command")]
    public void Lines_parse_into_commands_and_arguments(string line, ChatCommandKind kind, string argument)
    {
        var command = ChatCommand.Parse(line);
        Assert.Equal(kind, command.Kind);
        Assert.Equal(argument, command.Argument);
    }
}
