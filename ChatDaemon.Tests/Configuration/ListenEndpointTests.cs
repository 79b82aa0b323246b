using System.Net;
using System.Net.Sockets;
using ChatDaemon.Configuration;

namespace ChatDaemon.Tests.Configuration;

public sealed class ListenEndpointTests
{
    [Theory]
    [InlineData("chat=127.0.0.1:2323", ListenerProtocol.Chat, "127.0.0.1:2323")]
    [InlineData("echo=[::1]:7", ListenerProtocol.Echo, "[::1]:7")]
    [InlineData("CHAT=0.0.0.0:23", ListenerProtocol.Chat, "0.0.0.0:23")]
    [InlineData("chat=*:23", ListenerProtocol.Chat, "0.0.0.0:23")]
    [InlineData("chat=localhost:0", ListenerProtocol.Chat, "127.0.0.1:0")]
    [InlineData("echo=[::]:2307", ListenerProtocol.Echo, "[::]:2307")]
    [InlineData("chat=unix:/run/chatdaemon/chat.sock", ListenerProtocol.Chat, "unix:/run/chatdaemon/chat.sock")]
    public void Valid_listeners_parse(string text, ListenerProtocol protocol, string endpoint)
    {
        Assert.True(ListenEndpoint.TryParse(text, out var parsed, out string error), error);
        Assert.Equal(protocol, parsed.Protocol);
        Assert.Equal(endpoint, ListenEndpoint.FormatEndPoint(parsed.EndPoint));
    }

    [Theory]
    [InlineData("", "empty listener")]
    [InlineData("127.0.0.1:2323", "expected PROTOCOL=ENDPOINT")]
    [InlineData("gopher=127.0.0.1:70", "unknown protocol 'gopher' (expected chat, irc, echo, chat+tls or irc+tls)")]
    [InlineData("chat=127.0.0.1", "expected HOST:PORT")]
    [InlineData("chat=127.0.0.1:65536", "invalid port")]
    [InlineData("chat=127.0.0.1:-1", "invalid port")]
    [InlineData("chat=::1:23", "must be written in brackets")]
    [InlineData("chat=example.com:23", "is not an IP address")]
    [InlineData("chat=unix:relative.sock", "must be absolute")]
    public void Invalid_listeners_say_what_is_wrong(string text, string reason)
    {
        Assert.False(ListenEndpoint.TryParse(text, out _, out string error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void A_unix_path_longer_than_sun_path_is_refused()
    {
        Assert.False(ListenEndpoint.TryParse("chat=unix:/" + new string('a', 107), out _, out string error));
        Assert.Contains("107 bytes", error);
    }

    [Fact]
    public void No_listeners_means_chat_and_echo_on_loopback()
    {
        var endpoints = new ListenOptions().Endpoints();
        Assert.Equal(["chat=127.0.0.1:2323", "echo=127.0.0.1:2307"], endpoints.Select(e => e.Key));
        Assert.All(endpoints, e => Assert.True(IPAddress.IsLoopback(((IPEndPoint)e.EndPoint).Address)));
    }
}
