using System.Diagnostics;
using System.Text;

namespace ChatDaemon.Tests.TestSupport;

/// <summary>
/// A process started by a test, with its output collected; killed on dispose if still running so that
/// a failing test leaves nothing behind.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    /// <param name="unsetEnvironment">Variables of the test process the child must not inherit.</param>
    public ChildProcess(string fileName, IEnumerable<string> arguments, IEnumerable<string>? unsetEnvironment = null)
    {
        var startInfo = RedirectedStartInfo(fileName, arguments);
        startInfo.RedirectStandardInput = true;
        foreach (string name in unsetEnvironment ?? [])
        {
            startInfo.Environment.Remove(name);
        }

        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Start settings for a program run without a shell, its stdout and stderr redirected to the test.</summary>
    public static ProcessStartInfo RedirectedStartInfo(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <summary>Kills the process and its descendants if it still runs, and waits up to 5 s for it to go.</summary>
    public static void KillIfRunning(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
    }

    /// <summary>Sends a signal with kill(1).</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>Returns the exit code; throws <see cref="OperationCanceledException"/> after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Blocks until the process has exited and its redirected output has been read to the end.</summary>
    public void WaitForOutputToEnd() => _process.WaitForExit();

    public async Task<string> WaitForOutputLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            string? line = StandardOutput.Split('\n').FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no matching output line. stdout:\n{StandardOutput}\nstderr:\n{StandardError}");
    }

    private void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            builder.Append(line).Append('\n');
        }
    }

    public void Dispose()
    {
        try
        {
            KillIfRunning(_process);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
