using ChatDaemon.Configuration;
using ChatDaemon.Hosting;

namespace ChatDaemon.Tests.Hosting;

public sealed class KeptConnectionsTests
{
    [Theory]
    [InlineData("kept-chat-1234-E1f", ListenerProtocol.Chat)]
    [InlineData("kept-echo-99-0HN8T2", ListenerProtocol.Echo)]
    public void A_kept_connections_name_says_its_protocol(string name, ListenerProtocol expected)
    {
        Assert.True(KeptConnections.TryParseName(name, out var protocol));
        Assert.Equal(expected, protocol);
    }

    [Theory]
    [InlineData("kept-state")]
    [InlineData("kept-irc-1-2")]
    [InlineData("chat")]
    [InlineData("kept-")]
    public void A_name_this_build_did_not_make_for_a_connection_is_not_one(string name) =>
        Assert.False(KeptConnections.TryParseName(name, out _));
}
