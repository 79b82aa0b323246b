using System.Net;
using System.Net.Sockets;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

public sealed class ProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const int SIGTERM = 15;
    private const int SIGINT = 2;
    private const int SIGUSR1 = 10;

    [Fact]
    public async Task A_port_in_use_is_one_clear_line_and_exit_69()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, _, stderr) = await DaemonProcess.RunAsync(Timeout, "--listen", $"chat=127.0.0.1:{port}", "--config", EmptyConfig());

        Assert.Equal(69, code);
        Assert.Contains($"chatdaemon: cannot listen on 127.0.0.1:{port} (chat): address already in use", stderr);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
    }

    [Theory]
    [InlineData("""{ "Limits": { "MaxLineBytes": -1 } }""", "Limits:MaxLineBytes")]
    [InlineData("""{ "Listen": [ "chat=nowhere:99999" ] }""", "invalid port")]
    [InlineData("{ not json", "is not valid JSON")]
    public async Task An_invalid_configuration_is_one_clear_line_and_exit_78(string json, string reason)
    {
        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, json);
            var (code, _, stderr) = await DaemonProcess.RunAsync(Timeout, "--config", file);
            Assert.Equal(78, code);
            Assert.StartsWith("chatdaemon: ", stderr);
            Assert.Contains(reason, stderr);
            Assert.DoesNotContain("   at ", stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_missing_configuration_file_named_on_the_command_line_is_exit_78()
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync(Timeout, "--config", "/nonexistent/chatdaemon.json");
        Assert.Equal(78, code);
        Assert.Contains("/nonexistent/chatdaemon.json does not exist", stderr);
    }

    [Fact]
    public async Task A_configuration_file_the_user_may_not_read_is_reported_as_such()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"chatdaemon-private-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            string file = Path.Combine(dir, "chatdaemon.json");
            await File.WriteAllTextAsync(file, "{}");

            // As nobody (setpriv(1)), the root-only directory cannot be searched.
            var info = new System.Diagnostics.ProcessStartInfo("setpriv")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                ArgumentList = { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", DaemonProcess.DaemonDll, "check-config", "--config", file },
            };
            using var process = System.Diagnostics.Process.Start(info)!;
            string stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(Timeout);

            Assert.Equal(78, process.ExitCode);
            Assert.Contains($"configuration file {file} cannot be read: permission denied", stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("--listen", "gopher=127.0.0.1:70")]
    [InlineData("--bogus")]
    [InlineData("frobnicate")]
    [InlineData("--listen")]
    public async Task A_bad_command_line_is_exit_64(params string[] args)
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync(Timeout, args);
        Assert.Equal(64, code);
        Assert.StartsWith("chatdaemon: ", stderr);
    }

    [Fact]
    public async Task Help_and_version_print_and_exit_0()
    {
        var help = await DaemonProcess.RunAsync(Timeout, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--listen PROTOCOL=ENDPOINT", help.Stdout);
        var version = await DaemonProcess.RunAsync(Timeout, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^chatdaemon \d+\.\d+\.\d+", version.Stdout);
    }

    [Fact]
    public async Task Check_config_says_valid_or_exits_78()
    {
        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{ "Chat": { "Motd": "hi" } }""");
            var good = await DaemonProcess.RunAsync(Timeout, "check-config", "--config", file);
            Assert.Equal(0, good.ExitCode);
            Assert.Contains("is valid", good.Stdout);

            await File.WriteAllTextAsync(file, """{ "Shutdown": { "DrainTimeoutSeconds": -3 } }""");
            var bad = await DaemonProcess.RunAsync(Timeout, "check-config", "--config", file);
            Assert.Equal(78, bad.ExitCode);
            Assert.Contains("Shutdown:DrainTimeoutSeconds", bad.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(SIGTERM)]
    [InlineData(SIGINT)]
    [InlineData(SIGUSR1)]
    public async Task A_stop_signal_tells_clients_and_exits_0(int signal)
    {
        using var daemon = DaemonProcess.Start("--listen", "chat=127.0.0.1:0", "--config", EmptyConfig());
        var match = await daemon.WaitForOutputAsync(@"Listening for chat on 127\.0\.0\.1:(\d+)");
        await daemon.WaitForOutputAsync("Ready: listening on");
        await using var client = await LineClient.ConnectAsync(int.Parse(match.Groups[1].Value));

        daemon.Signal(signal);

        Assert.Equal("* server shutting down", await client.ReadLineAsync());
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Equal(0, await daemon.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task Sighup_reloads_the_configuration_file()
    {
        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{ "Listen": [ "chat=127.0.0.1:0" ], "Chat": { "Motd": "first" } }""");
            using var daemon = DaemonProcess.Start("--config", file);
            var match = await daemon.WaitForOutputAsync(@"Listening for chat on 127\.0\.0\.1:(\d+)");
            await daemon.WaitForOutputAsync("Ready: listening on");
            int port = int.Parse(match.Groups[1].Value);

            await File.WriteAllTextAsync(file, """{ "Listen": [ "chat=127.0.0.1:0" ], "Chat": { "Motd": "second" } }""");
            daemon.Signal(1);
            await daemon.WaitForOutputAsync("Configuration reloaded");

            await using var client = await LineClient.ConnectAsync(port, readGreeting: false);
            Assert.Equal("* second", await client.ReadLineAsync());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string EmptyConfig()
    {
        string file = Path.Combine(Path.GetTempPath(), "chatdaemon-empty.json");
        File.WriteAllText(file, "{}");
        return file;
    }
}
