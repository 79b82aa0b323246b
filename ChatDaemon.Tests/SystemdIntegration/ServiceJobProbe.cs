using System.Runtime.InteropServices;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// A child-process program for <see cref="ServiceJobQueryTests"/>, run as a transient service: it writes
/// "started", and on SIGTERM asks <see cref="ServiceManagerQuery"/> what systemd is doing to it, writes
/// "job=KIND" and exits.
/// <code>
/// dotnet exec ChatDaemon.Tests.dll service-job-probe OUTPUT_FILE
/// </code>
/// </summary>
internal static class ServiceJobProbe
{
    public const string Mode = "service-job-probe";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [string outputFile])
        {
            Console.Error.WriteLine($"usage: dotnet exec ChatDaemon.Tests.dll {Mode} OUTPUT_FILE");
            return 64; // EX_USAGE, sysexits(3)
        }

        var terminated = new TaskCompletionSource();
        using var registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            terminated.TrySetResult();
        });
        await File.AppendAllTextAsync(outputFile, "started\n");
        await terminated.Task;
        var job = await new ServiceManagerQuery(NullLogger<ServiceManagerQuery>.Instance).GetJobAsync(TimeSpan.FromSeconds(5));
        await File.AppendAllTextAsync(outputFile, $"job={job}\n");
        return 0;
    }
}
