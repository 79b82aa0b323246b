using System.Diagnostics;
using System.Text;

namespace ChatDaemon.Tests.Integration;

/// <summary>The real chatdaemon binary as a child process; killed on dispose if still running.</summary>
public sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private DaemonProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The build output next to the test assembly: chatdaemon.dll runs with the same dotnet host.</summary>
    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "chatdaemon.dll");

    public int Pid => _process.Id;

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static DaemonProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DaemonDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("NOTIFY_SOCKET");
        info.Environment.Remove("LISTEN_FDS");
        var daemon = new DaemonProcess(new Process { StartInfo = info });
        daemon._process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (daemon._stdout) { daemon._stdout.AppendLine(e.Data); } } };
        daemon._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (daemon._stderr) { daemon._stderr.AppendLine(e.Data); } } };
        daemon._process.Start();
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        return daemon;
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
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"chatdaemon did not exit within {timeout}; stderr: {StandardError}");
        }

        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
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

    public void Signal(int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }
}
