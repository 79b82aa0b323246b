using System.Diagnostics;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>TCP keepalive on accepted connections, read back from the kernel with ss(8).</summary>
public sealed class KeepAliveTests
{
    [Theory]
    [InlineData(45, "keepalive")]
    [InlineData(0, null)]
    public async Task Accepted_connections_get_tcp_keepalive_with_the_configured_idle_time(int seconds, string? timer)
    {
        await using var server = await TestServer.StartAsync(null, $"--Limits:KeepAliveSeconds={seconds}");
        await using var client = await LineClient.ConnectAsync(server.ChatPort);

        // The server's side of the connection: source port = the listener's port.
        string line = await SsAsync($"( sport = :{server.ChatPort} )");

        if (timer is null)
        {
            Assert.DoesNotContain("keepalive", line);
        }
        else
        {
            // ss shows the time left before the first probe: just under the configured idle time.
            var match = System.Text.RegularExpressions.Regex.Match(line, @"timer:\(keepalive,(\d+)sec");
            Assert.True(match.Success, $"no keepalive timer in seconds in: {line}");
            int left = int.Parse(match.Groups[1].Value);
            Assert.InRange(left, seconds - 10, seconds);
        }
    }

    private static async Task<string> SsAsync(string filter)
    {
        var info = new ProcessStartInfo("ss", ["-tnoH", "state", "established", filter]) { RedirectStandardOutput = true };
        using var ss = Process.Start(info)!;
        string output = await ss.StandardOutput.ReadToEndAsync();
        await ss.WaitForExitAsync();
        Assert.Equal(0, ss.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(output), "ss found no connection on the server side");
        return output;
    }
}
