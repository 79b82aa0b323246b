using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ChatDaemon.CommandLine;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>
/// The invoking side of <c>--daemon</c>. .NET cannot fork(2) and continue (the runtime's threads
/// do not survive a fork), so instead of daemon(7)'s double fork the program re-launches itself with
/// the same arguments and waits: it creates a unix datagram socket in a private 0700 directory,
/// passes its path in <c>CHATDAEMON_DETACH_READY_SOCKET</c>, and exits 0 when the child reports
/// READY=1 (listeners bound), or prints the child's error and exits with the child's exit code,
/// so init scripts see failures.
/// </summary>
public static class DaemonLauncher
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(10);

    /// <summary>Starts the detached daemon and waits for its readiness; returns the exit code for Main.</summary>
    public static Task<int> RunAsync(CommandLineArguments commandLine) =>
        RunAsync(commandLine, OwnExecutable.Resolve(), Console.Error);

    internal static async Task<int> RunAsync(CommandLineArguments commandLine, (string FileName, IReadOnlyList<string> LeadingArguments) executable, TextWriter error)
    {
        var directory = Directory.CreateTempSubdirectory("chatdaemon-detach-"); // mkdtemp(3): mode 0700
        try
        {
            var socketPath = Path.Combine(directory.FullName, "ready");
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(socketPath));

            // Whatever this process inherited must not reach the daemon (daemon(7): close all
            // descriptors but 0-2). Marking them close-on-exec here does that for the exec below.
            InheritedDescriptors.MarkCloseOnExec();

            var start = new ProcessStartInfo(executable.FileName)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in executable.LeadingArguments.Concat(commandLine.Arguments))
                start.ArgumentList.Add(argument);
            start.Environment[DetachEnvironment.ReadySocket] = socketPath;
            start.Environment[DetachEnvironment.OriginalDirectory] = Environment.CurrentDirectory;

            using var child = Process.Start(start)
                ?? throw new StartupException($"cannot start {executable.FileName}", ExitCodes.OsError);
            child.StandardInput.Close();
            // stderr carries the child's error messages (and unhandled exceptions); stdout its console
            // log, which is drained but not shown: the daemon's logs belong in its log destination.
            var output = new OutputTail(20);
            var collecting = Task.WhenAll(output.CollectAsync(child.StandardError), child.StandardOutput.BaseStream.CopyToAsync(Stream.Null));

            using var timeout = new CancellationTokenSource(commandLine.Timeout);
            var report = ReceiveReportAsync(socket, timeout.Token);
            var exited = child.WaitForExitAsync(timeout.Token);
            await Task.WhenAny(report, exited);
            if (!report.IsCompleted && exited.IsCompletedSuccessfully)
            {
                // A child reports its error and then exits: the datagram is already queued, but the
                // exit may have been noticed first.
                await Task.WhenAny(report, Task.Delay(TimeSpan.FromMilliseconds(200)));
            }

            if (report.IsCompletedSuccessfully)
            {
                var message = report.Result;
                if (message.ContainsKey("READY"))
                    return ExitCodes.Success;

                var reason = message.GetValueOrDefault("ERROR") ?? "startup failed";
                error.WriteLine($"chatdaemon: {reason}");
                var code = await ExitCodeAsync(child);
                if (code is null or 0)
                    code = int.TryParse(message.GetValueOrDefault("EXIT_CODE"), out var reported) && reported != 0 ? reported : ExitCodes.Failure;
                return code.Value;
            }

            if (exited.IsCompletedSuccessfully)
            {
                // Died without a report (an unhandled exception, a failure in code that does not know
                // the channel): show what it wrote.
                await collecting.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                foreach (var line in output.Lines)
                    error.WriteLine(line);
                var code = child.ExitCode;
                error.WriteLine($"chatdaemon: daemon exited with status {code} before it was ready");
                return code == 0 ? ExitCodes.Failure : code;
            }

            error.WriteLine($"chatdaemon: daemon (pid {child.Id}) was not ready within {commandLine.Timeout.TotalSeconds:0.##} s; stopping it");
            foreach (var line in output.Lines)
                error.WriteLine(line);
            LibC.kill(child.Id, LibC.SIGTERM);
            if (await ExitCodeAsync(child) is null)
                child.Kill();
            return ExitCodes.Failure;
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<Dictionary<string, string>> ReceiveReportAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in Encoding.UTF8.GetString(buffer, 0, n).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = line.IndexOf('=');
                if (eq > 0)
                    fields[line[..eq]] = line[(eq + 1)..];
            }

            if (fields.ContainsKey("READY") || fields.ContainsKey("ERROR"))
                return fields;
        }
    }

    private static async Task<int?> ExitCodeAsync(Process child)
    {
        try
        {
            await child.WaitForExitAsync().WaitAsync(ExitGrace);
            return child.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
