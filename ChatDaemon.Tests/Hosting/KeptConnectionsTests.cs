using ChatDaemon.Configuration;
using ChatDaemon.Hosting;

namespace ChatDaemon.Tests.Hosting;

public sealed class KeptConnectionsTests
{
    [Theory]
    [InlineData("~chat", ListenerProtocol.Chat)]
    [InlineData("~echo", ListenerProtocol.Echo)]
    [InlineData("~irc", ListenerProtocol.Irc)]
    public void A_kept_connections_name_says_its_protocol(string name, ListenerProtocol expected)
    {
        Assert.True(KeptConnections.TryParseName(name, out var protocol));
        Assert.Equal(expected, protocol);
        Assert.Equal(name, KeptConnections.NameFor(expected));
    }

    [Theory]
    [InlineData("~state")]
    [InlineData("~gopher")]
    [InlineData("chat")]
    [InlineData("~")]
    public void A_name_this_build_did_not_give_a_connection_is_not_one(string name) =>
        Assert.False(KeptConnections.TryParseName(name, out _));

    [Fact]
    public void The_names_of_the_most_connections_kept_fit_the_variable_systemd_passes_them_in()
    {
        // LISTEN_FDNAMES: every name and a ':' between, plus the listeners and the state.
        int length = (KeptConnections.MaxKept * (KeptConnections.NameFor(ListenerProtocol.Chat).Length + 1)) + 256;
        Assert.True(length < ChatDaemon.Systemd.FileDescriptorName.MaxNamesLength, $"{length} bytes");
    }
}
