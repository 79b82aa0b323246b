using ChatDaemon.CommandLine;

namespace ChatDaemon.Daemon;

/// <summary>The part of Main that belongs to the daemon mode.</summary>
public static class DaemonEntryPoint
{
    /// <summary>
    /// Handles what does not run the server: a control verb (status/stop/reload/restart) and the
    /// invoking side of <c>--daemon</c> (re-launch, wait for readiness). Returns the exit code for Main
    /// then, or null when this process should run the server: in the foreground, or as the detached child.
    /// </summary>
    public static async Task<int?> TryHandleAsync(CommandLineArguments commandLine)
    {
        if (commandLine.IsControlVerb)
            return await DaemonControl.RunAsync(commandLine);

        if (commandLine.Verb == CommandVerb.Run && commandLine.Detach && !DaemonSession.IsDetachedChild)
        {
            try
            {
                return await DaemonLauncher.RunAsync(commandLine);
            }
            catch (StartupException e)
            {
                await Console.Error.WriteLineAsync($"chatdaemon: {e.Message}");
                return e.ExitCode;
            }
        }

        return null;
    }
}
