using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>The real chatdaemon binary as a child process; killed on dispose if still running.</summary>
public sealed class DaemonProcess : IDisposable
{
    private readonly ChildProcess _process;

    private DaemonProcess(ChildProcess process)
    {
        _process = process;
    }

    /// <summary>The build output next to the test assembly: chatdaemon.dll runs with the same dotnet host.</summary>
    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "chatdaemon.dll");

    public int Pid => _process.Id;

    public string StandardOutput => _process.StandardOutput;

    public string StandardError => _process.StandardError;

    public static DaemonProcess Start(params string[] args)
    {
        var dotnet = Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet";
        return new DaemonProcess(new ChildProcess(dotnet, [DaemonDll, .. args], unsetEnvironment: ["NOTIFY_SOCKET", "LISTEN_FDS"]));
    }

    /// <summary>Runs to completion and returns the exit code (fails the test after <paramref name="timeout"/>).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var daemon = Start(args);
        int code = await daemon.WaitForExitAsync(timeout);
        return (code, daemon.StandardOutput, daemon.StandardError);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        int code;
        try
        {
            code = await _process.WaitForExitAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"chatdaemon did not exit within {timeout}; stderr: {StandardError}");
        }

        _process.WaitForOutputToEnd();
        return code;
    }

    /// <summary>Waits for a line in the log output (stderr or stdout) matching <paramref name="pattern"/> and returns the match.</summary>
    public async Task<System.Text.RegularExpressions.Match> WaitForOutputAsync(string pattern, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        while (true)
        {
            var match = regex.Match(StandardOutput + StandardError);
            if (match.Success)
            {
                return match;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no output matching '{pattern}'; stdout: {StandardOutput} stderr: {StandardError}");
            }

            await Task.Delay(20);
        }
    }

    public void Signal(int signal) => _process.Signal(signal.ToString());

    public void Dispose() => _process.Dispose();
}
