using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatDaemon.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ChatDaemon.Tests.Logging;

public sealed partial class SyslogFromConfigurationTests
{
    [LoggerMessage(EventId = 230, EventName = "ServerFull", Level = LogLevel.Warning, Message = "Server full, refused {RemoteEndPoint}")]
    private static partial void ServerFull(ILogger logger, string remoteEndPoint);

    private static ServiceProvider Start(params (string Key, string Value)[] syslog)
    {
        var data = new Dictionary<string, string?>
        {
            ["Logging:Console:Enabled"] = "false",
            ["Logging:Syslog:Enabled"] = "true",
        };
        foreach (var (key, value) in syslog)
        {
            data[$"Logging:Syslog:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(data).Build();
        return new ServiceCollection()
            .AddLogging(logging => logging.AddChatDaemonLogging(configuration, runningUnderSystemd: false))
            .BuildServiceProvider();
    }

    private static string ReceiveContaining(Socket socket, string text)
    {
        var buffer = new byte[65536];
        while (socket.Poll(10_000_000, SelectMode.SelectRead))
        {
            var message = Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer));
            if (message.Contains(text, StringComparison.Ordinal))
            {
                return message;
            }
        }

        throw new TimeoutException($"no message containing '{text}' arrived");
    }

    [Fact]
    public void The_local_transport_sends_rfc3164_to_the_log_socket_without_a_hostname()
    {
        var directory = Directory.CreateTempSubdirectory("devlog").FullName;
        try
        {
            using var devLog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            devLog.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory, "log")));
            using var services = Start(("Transport", "Local"), ("SocketPath", Path.Combine(directory, "log")), ("Facility", "Local3"));

            ServerFull(services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatDaemon.Chat"), "10.0.0.1:4000");

            var message = ReceiveContaining(devLog, "Server full");
            Assert.Matches($@"^<156>[A-Z][a-z]{{2}} [ 1-3]\d \d\d:\d\d:\d\d chatdaemon\[{Environment.ProcessId}\]: Server full, refused 10\.0\.0\.1:4000$", message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_udp_transport_sends_rfc5424_with_the_event_name_as_msgid()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;
        using var services = Start(("Transport", "Udp"), ("Host", "127.0.0.1"), ("Port", port.ToString()));

        ServerFull(services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatDaemon.Chat"), "10.0.0.1:4000");

        var message = ReceiveContaining(server, "Server full");
        Assert.Matches(
            $@"^<28>1 \S+ \S+ chatdaemon {Environment.ProcessId} ServerFull \[meta@32473 EventId=""230"" RemoteEndPoint=""10\.0\.0\.1:4000"" SourceContext=""ChatDaemon\.Chat""\] Server full, refused 10\.0\.0\.1:4000$",
            message);
    }
}
