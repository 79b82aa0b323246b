using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ChatDaemon.Tests.TestSupport;

/// <summary>
/// A full-screen terminal program run as a person runs it, inside a detached tmux session on a tmux server of its
/// own: keys are typed with <c>send-keys</c> and the screen is read with <c>capture-pane</c>. The server's socket and
/// configuration live in a directory the terminal owns, so nothing is shared with another test or a user's tmux;
/// dispose kills the server (and the program, should it outlive its pane) and removes the directory.
/// </summary>
public sealed class TmuxTerminal : IDisposable
{
    private const string Session = "main";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    private readonly string _directory;
    private readonly string _socket;
    private readonly int _programPid;

    private TmuxTerminal(string directory, string socket, int programPid)
    {
        _directory = directory;
        _socket = socket;
        _programPid = programPid;
    }

    /// <summary>
    /// Starts <paramref name="program"/> in a <paramref name="width"/> x <paramref name="height"/> terminal. The pane
    /// stays on screen after the program exits (remain-on-exit), so its last screen can still be read.
    /// </summary>
    public static TmuxTerminal Start(string program, IEnumerable<string> arguments, int width = 200, int height = 50)
    {
        string directory = Directory.CreateTempSubdirectory("chatdaemon-tmux-").FullName;
        string socket = Path.Combine(directory, "tmux.sock");
        string config = Path.Combine(directory, "tmux.conf");
        File.WriteAllText(config, "set -g remain-on-exit on\n");
        try
        {
            // More than one argument after "--": tmux runs the program itself, with no shell to quote for.
            Run(socket, config, ["new-session", "-d", "-s", Session, "-x", width.ToString(), "-y", height.ToString(), "--", program, .. arguments]);
            int pid = int.Parse(Run(socket, config, ["display-message", "-p", "-t", Session + ":", "#{pane_pid}"]).Trim());
            return new TmuxTerminal(directory, socket, pid);
        }
        catch
        {
            TryKillServer(socket);
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Types <paramref name="text"/> literally (no key names) and presses Enter.</summary>
    public void TypeLine(string text)
    {
        Tmux(["send-keys", "-t", Session + ":", "-l", text]);
        Tmux(["send-keys", "-t", Session + ":", "Enter"]);
    }

    /// <summary>What the screen shows now, wrapped lines joined.</summary>
    public string Screen() => Tmux(["capture-pane", "-p", "-J", "-t", Session + ":"]);

    /// <summary>True once the program in the pane has exited.</summary>
    public bool ProgramExited => Tmux(["display-message", "-p", "-t", Session + ":", "#{pane_dead}"]).Trim() == "1";

    /// <summary>Polls the screen until <paramref name="pattern"/> matches it; the match, or a timeout showing the last screen.</summary>
    public async Task<Match> WaitForScreenAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern, RegexOptions.Multiline);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string screen = Screen();
            var match = regex.Match(screen);
            if (match.Success)
            {
                return match;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the screen did not show /{pattern}/ within {timeout}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Polls until the program has exited.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!ProgramExited)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the program in the terminal did not exit within {timeout}");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        TryKillServer(_socket);
        // kill-server hangs up the pane; a program that ignored that must not outlive the test either.
        try
        {
            using var program = Process.GetProcessById(_programPid);
            ChildProcess.KillIfRunning(program);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private string Tmux(IEnumerable<string> arguments) => Run(_socket, null, arguments);

    private static void TryKillServer(string socket)
    {
        try
        {
            Run(socket, null, ["kill-server"]);
        }
        catch (InvalidOperationException)
        {
            // No server left to kill (it exits by itself once its last session is gone).
        }
    }

    /// <summary>
    /// Runs one tmux command against the server at <paramref name="socket"/> and returns its stdout; throws with
    /// tmux's stderr when it fails. The environment is pinned: a UTF-8 locale for the program's text, and no TERM
    /// of the test runner's (tmux gives its panes a terminal type of its own).
    /// </summary>
    private static string Run(string socket, string? config, IEnumerable<string> arguments)
    {
        string[] common = config is null ? ["-S", socket] : ["-f", config, "-S", socket];
        var startInfo = ChildProcess.RedirectedStartInfo("tmux", [.. common, .. arguments]);
        startInfo.Environment.Remove("TERM");
        startInfo.Environment.Remove("TMUX");
        startInfo.Environment["LANG"] = "C.UTF-8";
        startInfo.Environment.Remove("LC_ALL");
        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("tmux is not installed (Debian package tmux; .ci/run installs it)", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandTimeout))
            {
                ChildProcess.KillIfRunning(process);
                throw new TimeoutException($"tmux {string.Join(' ', arguments)} did not finish within {CommandTimeout}");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            }

            return stdout.Result;
        }
    }
}
