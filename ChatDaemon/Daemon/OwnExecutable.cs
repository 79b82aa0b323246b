using ChatDaemon.CommandLine;

namespace ChatDaemon.Daemon;

/// <summary>
/// How to start this program again: the apphost (<c>/usr/lib/chatdaemon/chatdaemon</c>), or the
/// muxer plus the entry assembly when it runs as <c>dotnet chatdaemon.dll</c>.
/// </summary>
internal static class OwnExecutable
{
    public static (string FileName, IReadOnlyList<string> LeadingArguments) Resolve()
    {
        var processPath = Environment.ProcessPath
            ?? throw new StartupException("cannot find the own executable to re-launch", ExitCodes.OsError);
        if (!string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.Ordinal))
            return (processPath, []);

        // Under the muxer the first command line argument is the application's entry assembly.
        var entry = Environment.GetCommandLineArgs()[0];
        return (processPath, [Path.GetFullPath(entry)]);
    }
}
