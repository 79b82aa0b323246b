using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatDaemon.Tests.Systemd;
using Xunit;
using Xunit.Abstractions;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// The Systemd module under the real systemd, without the chat core: a socket unit starts the test
/// program <see cref="ActivatedEchoHost"/> (Type=notify, WatchdogSec=) on the first connection.
/// </summary>
[Collection(SystemdCollection.Name)]
[Trait("Category", "Systemd")]
public sealed class SocketActivatedProbeTests(SystemdContainer container, ITestOutputHelper output)
{
    private static readonly string Unit = SuiteNames.Unit("probe");

    private async Task<int> InstallProbeUnitsAsync()
    {
        int port = FreeTcpPort();
        string testAssembly = typeof(ActivatedEchoHost).Assembly.Location;
        await container.WriteFileAsync($"/etc/systemd/system/{Unit}.socket", $"""
            [Socket]
            ListenStream=127.0.0.1:{port}
            FileDescriptorName=echo
            """);
        await container.WriteFileAsync($"/etc/systemd/system/{Unit}.service", $"""
            [Service]
            Type=notify
            NotifyAccess=main
            ExecStart=/usr/bin/dotnet exec {testAssembly} {ActivatedEchoHost.Mode}
            Environment=DOTNET_NOLOGO=1 DOTNET_EnableDiagnostics=0
            Restart=on-failure
            RestartSec=100ms
            WatchdogSec=3s
            TimeoutAbortSec=5s
            """);
        (await container.ExecAsync("systemctl", "daemon-reload")).EnsureSuccess();
        (await container.ExecAsync("systemctl", "restart", $"{Unit}.socket")).EnsureSuccess();
        return port;
    }

    [SystemdFact]
    public async Task The_socket_unit_starts_the_service_on_the_first_connection_which_reports_ready_status_and_watchdog()
    {
        int port = await InstallProbeUnitsAsync();
        Assert.Equal("inactive", await container.ShowAsync($"{Unit}.service", "ActiveState"));

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            Assert.Equal("ping\n", await EchoAsync(client, "ping\n"));
        }

        // The first client can be served a moment before systemd has processed READY=1.
        await WaitForAsync(() => container.ShowAsync($"{Unit}.service", "ActiveState"), "active");
        Assert.Equal("running", await container.ShowAsync($"{Unit}.service", "SubState"));
        string mainPid = await container.ShowAsync($"{Unit}.service", "MainPID");
        Assert.Contains(ActivatedEchoHost.Mode, (await container.ExecAsync("cat", $"/proc/{mainPid}/cmdline")).Output);
        Assert.Equal("1 connection(s) served", await container.ShowAsync($"{Unit}.service", "StatusText"));

        // Twice the watchdog timeout: only the health-gated pings keep it alive.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal("active", await container.ShowAsync($"{Unit}.service", "ActiveState"));
        Assert.Equal("0", await container.ShowAsync($"{Unit}.service", "NRestarts"));
        Assert.Equal(mainPid, await container.ShowAsync($"{Unit}.service", "MainPID"));

        (await container.ExecAsync("systemctl", "stop", $"{Unit}.service", $"{Unit}.socket")).EnsureSuccess();
        Assert.Equal("success", await container.ShowAsync($"{Unit}.service", "Result"));
        Assert.Equal("0", await container.ShowAsync($"{Unit}.service", "ExecMainStatus"));
    }

    [SystemdFact]
    public async Task A_stopped_process_misses_the_watchdog_and_is_killed_and_restarted()
    {
        int port = await InstallProbeUnitsAsync();
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            Assert.Equal("a\n", await EchoAsync(client, "a\n"));
        }

        string mainPid = await container.ShowAsync($"{Unit}.service", "MainPID");
        string cursor = (await container.ExecAsync("journalctl", "--show-cursor", "-n", "0", "--quiet")).Output.Trim();
        (await container.ExecAsync("kill", "-STOP", mainPid)).EnsureSuccess();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string journal = string.Empty;
        while (!journal.Contains("Failed with result 'watchdog'"))
        {
            Assert.True(DateTime.UtcNow < deadline, "no watchdog failure within 30 s:\n" + journal);
            await Task.Delay(250);
            journal = (await container.ExecAsync("journalctl", "-u", $"{Unit}.service", "--no-pager", "-o", "cat")).Output;
        }

        output.WriteLine(journal);
        Assert.Contains("Watchdog timeout", journal);

        // Restart=on-failure brings it back, still behind the same socket.
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await container.ShowAsync($"{Unit}.service", "NRestarts") == "0")
        {
            Assert.True(DateTime.UtcNow < deadline, "no restart within 30 s");
            await Task.Delay(100);
        }

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            Assert.Equal("b\n", await EchoAsync(client, "b\n"));
        }

        Assert.NotEqual(mainPid, await container.ShowAsync($"{Unit}.service", "MainPID"));
        (await container.ExecAsync("systemctl", "stop", $"{Unit}.service", $"{Unit}.socket")).EnsureSuccess();
    }

    private static async Task WaitForAsync(Func<Task<string>> read, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string value;
        while ((value = await read()) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still {value}, expected {expected}");
            await Task.Delay(50);
        }
    }

    private static async Task<string> EchoAsync(TcpClient client, string line)
    {
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line));
        byte[] buffer = new byte[Encoding.UTF8.GetByteCount(line)];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.ReadExactlyAsync(buffer, cts.Token);
        return Encoding.UTF8.GetString(buffer);
    }

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
