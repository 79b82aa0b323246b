using Xunit;
using Xunit.Abstractions;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>A stop told from a restart by the job the real systemd 252 queued, asked over the container's system bus.</summary>
[Collection(SystemdCollection.Name)]
[Trait("Category", "Systemd")]
public sealed class ServiceJobQueryTests(SystemdContainer container, ITestOutputHelper output)
{
    [SystemdFact]
    public async Task A_service_asked_at_SIGTERM_sees_restart_for_systemctl_restart_stop_for_systemctl_stop_and_none_for_a_plain_kill()
    {
        var (name, log) = await StartProbeAsync();
        try
        {
            await WaitForLinesAsync(log, ["started"]);
            (await container.ExecAsync("systemctl", "restart", name)).EnsureSuccess();
            await WaitForLinesAsync(log, ["started", "job=Restart", "started"]);

            // A signal that is no job of systemd's, then the stop that ends it.
            (await container.ExecAsync("systemctl", "kill", "--signal=SIGTERM", name)).EnsureSuccess();
            await WaitForLinesAsync(log, ["started", "job=Restart", "started", "job=None"]);
        }
        finally
        {
            await container.ExecAsync("systemctl", "stop", name);
            await container.ExecAsync("systemctl", "reset-failed", name);
        }

        output.WriteLine((await container.ExecAsync("cat", log)).Output);
    }

    [SystemdFact]
    public async Task A_service_stopped_with_systemctl_stop_sees_stop()
    {
        var (name, log) = await StartProbeAsync();
        try
        {
            await WaitForLinesAsync(log, ["started"]);
            (await container.ExecAsync("systemctl", "stop", name)).EnsureSuccess();
            await WaitForLinesAsync(log, ["started", "job=Stop"]);
        }
        finally
        {
            await container.ExecAsync("systemctl", "stop", name);
            await container.ExecAsync("systemctl", "reset-failed", name);
        }
    }

    /// <summary>The probe as a transient service of its own; it writes what it was told at each SIGTERM to the returned log.</summary>
    private async Task<(string Name, string Log)> StartProbeAsync()
    {
        string name = SuiteNames.Unit($"job-probe-{Guid.NewGuid():N}"[..22]);
        string log = $"/run/{name}.log";
        (await container.ExecAsync(["systemd-run", $"--unit={name}", "--quiet", "-p", "Environment=DOTNET_NOLOGO=1 DOTNET_EnableDiagnostics=0",
            "/usr/bin/dotnet", "exec", typeof(ServiceJobProbe).Assembly.Location, ServiceJobProbe.Mode, log])).EnsureSuccess();
        return (name, log);
    }

    private async Task WaitForLinesAsync(string path, string[] expected)
    {
        string[] lines = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lines = (await container.ExecAsync("cat", path)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length >= expected.Length)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(expected, lines);
    }
}
