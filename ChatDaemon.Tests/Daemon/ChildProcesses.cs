using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Daemon;

/// <summary>
/// Starts real processes for the daemon tests and kills every one of them (and every pid registered
/// by a test, such as a detached daemon) on Dispose, also when the test failed half-way.
/// </summary>
public sealed class ChildProcesses : IDisposable
{
    // Processes are remembered with their start time (/proc/PID/stat field 22), so that cleanup never
    // kills an unrelated process that reused the pid of one that already ended.
    private readonly List<(int Pid, string StartTime)> _pids = [];
    private readonly List<Process> _started = [];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("chatdaemon-test-").FullName;

    /// <summary>The real chatdaemon apphost, copied next to the tests by the project reference.</summary>
    public static string Chatdaemon => Path.Combine(AppContext.BaseDirectory, "chatdaemon");

    public string PidFile => Path.Combine(Directory, "d.pid");

    /// <summary>Registers a process this test did not start itself (a detached daemon) for cleanup.</summary>
    public void Track(int pid)
    {
        if (StartTime(pid) is { } startTime)
        {
            lock (_pids)
                _pids.Add((pid, startTime));
        }
    }

    private static string? StartTime(int pid)
    {
        try
        {
            return ProcStat(pid)[19];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Starts a process that keeps running; it is killed on Dispose.</summary>
    public Process Start(string file, params string[] args)
    {
        var process = Process.Start(ChildProcess.RedirectedStartInfo(file, args))!;
        lock (_started)
            _started.Add(process);
        return process;
    }

    /// <summary>Runs a command to completion (bounded) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        using var process = Process.Start(ChildProcess.RedirectedStartInfo(file, args))!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    public static Task<(int ExitCode, string Output, string Error)> RunChatdaemonAsync(params string[] args) => RunAsync(Chatdaemon, args);

    /// <summary>
    /// A shell process that behaves like a daemon holding the PID file: it locks it exclusively
    /// (flock(1) on an inherited descriptor that survives exec), writes its pid, and sleeps.
    /// </summary>
    public async Task<Process> StartLockHolderAsync(string pidFile, bool ignoreSigterm = false)
    {
        var trap = ignoreSigterm ? "trap '' TERM; " : "";
        var process = Start("/bin/sh", "-c", trap + "exec 9>>\"$1\"; flock -n 9 || exit 9; echo $$ > \"$1\"; exec sleep 300", "sh", pidFile);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ReadWithoutLocking(pidFile)?.Trim() != process.Id.ToString())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"lock holder did not start (exit {(process.HasExited ? process.ExitCode : -1)})");
            await Task.Delay(20);
        }

        return process;
    }

    /// <summary>
    /// Reads a file without flock: .NET's FileStream takes a LOCK_SH on every file it opens for
    /// reading (its FileShare emulation on Unix), which fails against the daemon's LOCK_EX and would
    /// itself disturb the lock the tests observe.
    /// </summary>
    public static unsafe string? ReadWithoutLocking(string path)
    {
        var fd = ChatDaemon.Interop.LibC.open(path, ChatDaemon.Interop.LibC.O_RDONLY | ChatDaemon.Interop.LibC.O_CLOEXEC, 0);
        if (fd < 0)
            return null;
        try
        {
            var buffer = new byte[4096];
            fixed (byte* p = buffer)
            {
                var n = ChatDaemon.Interop.LibC.pread(fd, p, buffer.Length, 0);
                return n < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
            }
        }
        finally
        {
            ChatDaemon.Interop.LibC.close(fd);
        }
    }

    public static int FreePort(int low = 1024, int high = 65535)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = low == 1024 && high == 65535 ? 0 : Random.Shared.Next(low, high);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free port");
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => ProcStatus(pid, "State") is { Length: > 0 } state && !state.StartsWith('Z');

    /// <summary>A field of /proc/PID/status, e.g. "Uid" → "65534\t65534\t65534\t65534".</summary>
    public static string ProcStatus(int pid, string field)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ""; // reaped meanwhile
        }

        foreach (var line in lines)
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return line[(field.Length + 1)..].Trim();
        }

        return "";
    }

    /// <summary>Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [2] pgrp, [3] session, [4] tty_nr.</summary>
    public static string[] ProcStat(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    public static async Task<string> ReadGreetingAsync(int port)
    {
        await using var client = await LineClient.ConnectAsync(port, readGreeting: false);
        return await client.TryReadLineAsync() ?? "";
    }

    public void Dispose()
    {
        lock (_started)
        {
            foreach (var process in _started)
            {
                ChildProcess.KillIfRunning(process);
                process.Dispose();
            }
        }

        lock (_pids)
        {
            foreach (var (pid, startTime) in _pids)
            {
                if (StartTime(pid) == startTime)
                    ChatDaemon.Interop.LibC.kill(pid, ChatDaemon.Interop.LibC.SIGKILL);
            }
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
