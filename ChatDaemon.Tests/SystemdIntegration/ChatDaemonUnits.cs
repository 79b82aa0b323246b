using System.Net;
using System.Net.Sockets;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// The deployed chatdaemon units inside the container, on free loopback ports chosen at run time
/// (drop-ins replace ListenStream= of both socket units, nothing else), reset to a known state per test:
/// default configuration, service stopped with its failure state and restart counter cleared, sockets listening.
/// </summary>
internal sealed class ChatDaemonUnits(SystemdContainer container)
{
    public const string Service = "chatdaemon.service";
    public const string ChatSocket = "chatdaemon.socket";
    public const string EchoSocket = "chatdaemon-echo.socket";

    public const string IrcSocket = "chatdaemon-irc.socket";
    public const string ConfigFile = "/etc/chatdaemon/chatdaemon.json";
    private const string ServiceDropIn = "/etc/systemd/system/chatdaemon.service.d/" + SuiteNames.DropIn;

    public int ChatPort { get; private set; }

    public int EchoPort { get; private set; }

    public int IrcPort { get; private set; }

    public SystemdContainer Container => container;

    public async Task ResetAsync()
    {
        await container.InstallChatDaemonAsync();
        (await container.ExecAsync("systemctl", "stop", Service)).EnsureSuccess();
        (await container.ExecAsync("rm", "-f", ServiceDropIn)).EnsureSuccess();
        await WriteConfigAsync(File.ReadAllText(Path.Combine(SystemdContainer.RepositoryRoot, "deploy", "chatdaemon.json")));

        // FreeTcpPort only knows the ports free when it probed: with tests and other work running alongside, one
        // may be taken before systemd binds it, and the socket unit fails. Fresh ports are tried then.
        for (int attempt = 1; ; attempt++)
        {
            ChatPort = FreeTcpPort();
            EchoPort = FreeTcpPort();
            IrcPort = FreeTcpPort();
            await WriteChatSocketDropInAsync(string.Empty);
            await container.WriteFileAsync($"/etc/systemd/system/{EchoSocket}.d/{SuiteNames.DropIn}",
                $"[Socket]\nListenStream=\nListenStream=127.0.0.1:{EchoPort}\n");
            await container.WriteFileAsync($"/etc/systemd/system/{IrcSocket}.d/{SuiteNames.DropIn}",
                $"[Socket]\nListenStream=\nListenStream=127.0.0.1:{IrcPort}\n");
            (await container.ExecAsync("systemctl", "daemon-reload")).EnsureSuccess();
            (await container.ExecAsync("systemctl", "reset-failed", Service, ChatSocket, EchoSocket, IrcSocket)).ExitCode.ToString(); // not failed is fine
            var restart = await container.ExecAsync("systemctl", "restart", ChatSocket, EchoSocket, IrcSocket);
            if (restart.ExitCode == 0 || attempt == 3)
            {
                restart.EnsureSuccess();
                return;
            }
        }
    }

    /// <summary>
    /// Adds [Socket] settings to chatdaemon.socket for one test (e.g. a second ListenStream=, another
    /// FileDescriptorName=) and restarts it; removed by the next reset.
    /// </summary>
    public async Task ExtendChatSocketAsync(string socketSection)
    {
        await WriteChatSocketDropInAsync(socketSection);
        (await container.ExecAsync("systemctl", "daemon-reload")).EnsureSuccess();
        (await container.ExecAsync("systemctl", "restart", ChatSocket)).EnsureSuccess();
    }

    private Task WriteChatSocketDropInAsync(string extra) =>
        container.WriteFileAsync($"/etc/systemd/system/{ChatSocket}.d/{SuiteNames.DropIn}",
            $"[Socket]\nListenStream=\nListenStream=127.0.0.1:{ChatPort}\n{extra}\n");

    /// <summary>A path inside the container as the host sees it (through the container's root).</summary>
    public string HostPathOf(string containerPath) => $"/proc/{container.SystemdPid}/root{containerPath}";

    /// <summary>Overrides [Service] settings for one test (e.g. a short WatchdogSec=); removed by the next reset.</summary>
    public async Task OverrideServiceAsync(string serviceSection)
    {
        await container.WriteFileAsync(ServiceDropIn, "[Service]\n" + serviceSection + "\n");
        (await container.ExecAsync("systemctl", "daemon-reload")).EnsureSuccess();
    }

    public Task WriteConfigAsync(string json) => container.WriteFileAsync(ConfigFile, json);

    public Task<string> ShowAsync(string property, string unit = Service) => container.ShowAsync(unit, property);

    public Task<CommandResult> SystemctlAsync(params string[] arguments) => container.ExecAsync(["systemctl", .. arguments]);

    /// <summary>Polls a unit property until it satisfies <paramref name="condition"/>; returns the last value.</summary>
    public async Task<string> WaitForPropertyAsync(string property, Func<string, bool> condition, TimeSpan? timeout = null, string unit = Service)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        string value;
        while (!condition(value = await ShowAsync(property, unit)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{unit} {property}={value} did not reach the expected value");
            }

            await Task.Delay(100);
        }

        return value;
    }

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
