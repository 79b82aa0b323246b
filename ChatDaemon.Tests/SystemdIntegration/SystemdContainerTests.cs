using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>The container itself and the deploy units, checked by the real systemd 252.</summary>
[Collection(SystemdCollection.Name)]
[Trait("Category", "Systemd")]
public sealed partial class SystemdContainerTests(SystemdContainer container, ITestOutputHelper output)
{
    private const double ExposureTarget = 0.5;

    /// <summary>
    /// What the suite needs from the manager: PID 1 up (running, or degraded by a unit the suite does not use),
    /// basic.target reached, and the journal and the system bus it talks to. A degraded state is shown, not
    /// failed on: a container image can carry a unit that fails there, and that says nothing about ChatDaemon.
    /// </summary>
    [SystemdFact]
    public async Task Systemd_is_pid_1_and_has_what_the_suite_needs()
    {
        string state = (await container.ExecAsync("systemctl", "is-system-running")).Output.Trim();
        if (state != "running")
        {
            output.WriteLine((await container.ExecAsync("systemctl", "--failed", "--no-pager")).ToString());
        }

        Assert.Contains(state, (string[])["running", "degraded"]);
        Assert.Equal("systemd", (await container.ExecAsync("cat", "/proc/1/comm")).Output.Trim());
        Assert.Equal("active", (await container.ExecAsync("systemctl", "is-active", "basic.target")).Output.Trim());
        Assert.Equal("active", (await container.ExecAsync("systemctl", "is-active", "systemd-journald.service")).Output.Trim());
        (await container.ExecAsync("systemctl", "start", "dbus.socket")).EnsureSuccess();
        Assert.Equal("active", (await container.ExecAsync("systemctl", "is-active", "dbus.socket")).Output.Trim());
        if (container.Mode == SystemdMode.Own)
        {
            // The container the suite boots itself: basic.target only, and systemd knows it is in a container.
            Assert.Equal("container-other", (await container.ExecAsync("systemd-detect-virt", "--container")).Output.Trim());
            Assert.Equal("inactive", (await container.ExecAsync("systemctl", "is-active", "multi-user.target")).Output.Trim());
        }

        output.WriteLine($"mode {container.Mode}, state {state}, boot time: {container.BootTime.TotalMilliseconds:F0} ms");
    }

    [SystemdFact]
    public async Task What_the_suite_writes_does_not_outlive_it()
    {
        string marker = SuiteNames.Unit($"marker-{Guid.NewGuid():N}");
        if (container.Mode == SystemdMode.Running)
        {
            // No overlay to throw away: what the suite writes is on this system, and removed when the suite ends.
            string path = $"/etc/systemd/system/{marker}.conf";
            await container.WriteFileAsync(path, "# written by the systemd suite\n");
            Assert.True(File.Exists(path));
            Assert.Contains(path, container.WrittenFiles);
            // What the suite's cleanup removes and then checks for, and what it refuses to start over.
            Assert.Contains(path, await ChatDaemonFootprint.FindAsync(container));
            return;
        }

        string[] paths = [$"/etc/{marker}", $"/dev/{marker}", $"/dev/shm/{marker}", $"/tmp/{marker}", $"/run/{marker}"];

        foreach (string path in paths)
        {
            (await container.ExecAsync("touch", path)).EnsureSuccess();
            Assert.Equal(0, (await container.ExecAsync("test", "-e", path)).ExitCode);
        }

        Assert.All(paths, path => Assert.False(File.Exists(path), $"{path} leaked to the host"));
    }

    [SystemdFact]
    public async Task Deploy_units_pass_systemd_analyze_verify()
    {
        await container.InstallChatDaemonAsync();

        CommandResult verify = await container.ExecAsync("systemd-analyze", "verify",
            "/etc/systemd/system/chatdaemon.service", "/etc/systemd/system/chatdaemon.socket", "/etc/systemd/system/chatdaemon-irc.socket", "/etc/systemd/system/chatdaemon-echo.socket");

        output.WriteLine(verify.ToString());
        Assert.Equal(0, verify.ExitCode);
        Assert.Equal(string.Empty, verify.Output + verify.Error);
    }

    [SystemdFact]
    public async Task Deploy_service_exposure_is_at_most_the_target()
    {
        await container.InstallChatDaemonAsync();

        CommandResult security = (await container.ExecAsync("systemd-analyze", "security", "--no-pager", "chatdaemon.service")).EnsureSuccess();

        Match overall = OverallExposure().Match(security.Output);
        Assert.True(overall.Success, security.ToString());
        double exposure = double.Parse(overall.Groups["exposure"].Value, CultureInfo.InvariantCulture);
        output.WriteLine($"systemd-analyze security chatdaemon.service: {exposure} {overall.Groups["rating"].Value}");
        Assert.InRange(exposure, 0.0, ExposureTarget);
    }

    [SystemdFact]
    public async Task Install_script_installs_into_a_root_and_uninstalls_everything_but_the_configuration()
    {
        string script = Path.Combine(SystemdContainer.RepositoryRoot, "deploy", "install.sh");
        string scratch = "/tmp/" + SuiteNames.Prefix + "install-root"; // removed with the suite's other leftovers when it drives a running systemd

        CommandResult missing = await container.ExecAsync(script, "--no-publish", "--from", "/nonexistent", "--root", scratch);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("/nonexistent/chatdaemon is not an executable", missing.Error);

        await container.InstallChatDaemonAsync();
        (await container.ExecAsync(script, "--no-publish", "--from", "/usr/lib/chatdaemon", "--root", scratch)).EnsureSuccess();
        Assert.Equal(0, (await container.ExecAsync("test", "-x", scratch + "/usr/lib/chatdaemon/chatdaemon")).ExitCode);
        Assert.Equal(0, (await container.ExecAsync("test", "-f", scratch + "/etc/systemd/system/chatdaemon.socket")).ExitCode);
        Assert.Equal(0, (await container.ExecAsync("test", "-f", scratch + "/etc/chatdaemon/chatdaemon.json")).ExitCode);

        (await container.ExecAsync(script, "--uninstall", "--root", scratch)).EnsureSuccess();
        Assert.NotEqual(0, (await container.ExecAsync("test", "-e", scratch + "/usr/lib/chatdaemon")).ExitCode);
        Assert.NotEqual(0, (await container.ExecAsync("test", "-e", scratch + "/etc/systemd/system/chatdaemon.service")).ExitCode);
        Assert.Equal(0, (await container.ExecAsync("test", "-f", scratch + "/etc/chatdaemon/chatdaemon.json")).ExitCode);
    }

    [GeneratedRegex(@"Overall exposure level for chatdaemon\.service: (?<exposure>\d+(\.\d+)?) (?<rating>\w+)")]
    private static partial Regex OverallExposure();
}
