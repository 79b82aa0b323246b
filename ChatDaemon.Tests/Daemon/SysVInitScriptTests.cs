using System.Net;
using System.Net.Sockets;

namespace ChatDaemon.Tests.Daemon;

/// <summary>deploy/sysvinit/chatdaemon driven like an init system would, against the real daemon.</summary>
public sealed class SysVInitScriptTests : IDisposable
{
    private readonly ChildProcesses _children = new();
    private readonly int _port = ChildProcesses.FreePort();

    private static string Script
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "ChatDaemon.sln")))
                    return Path.Combine(directory.FullName, "deploy", "sysvinit", "chatdaemon");
            }

            throw new DirectoryNotFoundException("ChatDaemon.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private async Task<(int ExitCode, string Output, string Error)> InitAsync(string action)
    {
        var result = await ChildProcesses.RunAsync("/usr/bin/env",
            [$"DAEMON={ChildProcesses.Chatdaemon}", $"PIDFILE={_children.PidFile}", $"DAEMON_ARGS=--listen chat=127.0.0.1:{_port}",
             "/bin/sh", Script, action]);
        if (int.TryParse(ChildProcesses.ReadWithoutLocking(_children.PidFile)?.Trim(), out var pid))
            _children.Track(pid);
        return result;
    }

    [Fact]
    public async Task The_init_script_starts_reports_reloads_restarts_and_stops_with_lsb_codes()
    {
        Assert.Equal(3, (await InitAsync("status")).ExitCode);

        var start = await InitAsync("start");
        Assert.True(start.ExitCode == 0, start.Error);
        using (var client = new TcpClient())
            await client.ConnectAsync(IPAddress.Loopback, _port); // serving as soon as start returned
        var first = ChildProcesses.ReadWithoutLocking(_children.PidFile)!.Trim();

        var again = await InitAsync("start");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already running", again.Output);
        Assert.Equal(0, (await InitAsync("status")).ExitCode);
        Assert.Equal(0, (await InitAsync("reload")).ExitCode);

        Assert.Equal(0, (await InitAsync("restart")).ExitCode);
        Assert.NotEqual(first, ChildProcesses.ReadWithoutLocking(_children.PidFile)!.Trim());

        Assert.Equal(0, (await InitAsync("stop")).ExitCode);
        Assert.Equal(3, (await InitAsync("status")).ExitCode);
        Assert.Equal(7, (await InitAsync("reload")).ExitCode);
        Assert.Equal(2, (await InitAsync("bogus")).ExitCode);
    }

    public void Dispose() => _children.Dispose();
}
