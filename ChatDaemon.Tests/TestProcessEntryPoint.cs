using ChatDaemon.Tests.Systemd;
using ChatDaemon.Tests.SystemdIntegration;

namespace ChatDaemon.Tests;

/// <summary>
/// The test assembly doubles as a small program for tests that need a child process
/// (<c>dotnet exec ChatDaemon.Tests.dll MODE ...</c>); the test runner never calls this.
/// </summary>
internal static class TestProcessEntryPoint
{
    public static async Task<int> Main(string[] args) => args switch
    {
        [ActivatedEchoHost.Mode, ..] => await ActivatedEchoHost.RunAsync(args[1..]),
        [JournalProbe.Mode, ..] => JournalProbe.Run(args[1..]),
        [ServiceJobProbe.Mode, ..] => await ServiceJobProbe.RunAsync(args[1..]),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine($"usage: dotnet exec ChatDaemon.Tests.dll {ActivatedEchoHost.Mode}|{JournalProbe.Mode}|{ServiceJobProbe.Mode} ...");
        return 64; // EX_USAGE, sysexits(3)
    }
}
