using System.Diagnostics;
using ChatDaemon.Tests.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// The Debian package (deploy/debian/build-deb.sh) as an administrator meets it under the real systemd 252:
/// install, served, man pages, an upgrade with a client connected, remove, purge. The suite's own install
/// (deploy/install.sh into /etc/systemd/system, which would shadow the package's units) is taken away first and
/// put back afterwards.
/// </summary>
[Collection(SystemdCollection.Name)]
[Trait("Category", "Systemd")]
public sealed class DebianPackageTests(SystemdContainer container, ITestOutputHelper output)
{
    private static readonly string PackageDirectory = Path.Combine(SystemdContainer.RepositoryRoot, "ChatDaemon", "bin", "deb-test");

    private const string PolicyAside = "/usr/sbin/policy-rc.d." + SuiteNames.Prefix + "aside";

    private async Task<string> BuildPackageAsync(string version)
    {
        string build = await container.BuildOutputAsync();
        var startInfo = ChildProcess.RedirectedStartInfo("bash",
            [Path.Combine(SystemdContainer.RepositoryRoot, "deploy", "debian", "build-deb.sh"), "--from", build, "--version", version, "--out", PackageDirectory]);
        using var process = Process.Start(startInfo)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"build-deb.sh failed: {await stderr}");
        return (await stdout).Trim();
    }

    private async Task<CommandResult> RunAsync(params string[] command)
    {
        var result = await container.ExecAsync(command);
        output.WriteLine(result.ToString());
        return result;
    }

    private static string Folded(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [SystemdFact]
    public async Task Lintian_finds_no_error_and_no_warning_in_the_package()
    {
        string package = await BuildPackageAsync("0.1.0");
        var startInfo = ChildProcess.RedirectedStartInfo("lintian", ["--tag-display-limit", "0", package]);
        using var process = Process.Start(startInfo)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        string report = await stdout;
        output.WriteLine(report + await stderr);
        Assert.True(process.ExitCode == 0, $"lintian exited {process.ExitCode}:\n{report}");
        Assert.DoesNotContain(report.Split('\n'), line => line.StartsWith("E: ", StringComparison.Ordinal) || line.StartsWith("W: ", StringComparison.Ordinal));
    }

    [SystemdFact]
    public async Task The_package_installs_serves_keeps_a_client_through_an_upgrade_and_removes_then_purges_everything()
    {
        string first = await BuildPackageAsync("0.1.0");
        string second = await BuildPackageAsync("0.1.1");
        int port = FreePort();

        await container.InstallChatDaemonAsync();
        (await RunAsync(Path.Combine(SystemdContainer.RepositoryRoot, "deploy", "install.sh"), "--uninstall", "--purge")).EnsureSuccess();
        string dropIn = "/etc/systemd/system/chatdaemon.socket.d/" + SuiteNames.DropIn;
        await container.WriteFileAsync(dropIn, $"[Socket]\nListenStream=\nListenStream=127.0.0.1:{port}\n");

        // This machine's image has Docker's policy-rc.d, which forbids maintainer scripts to start services
        // (invoke-rc.d(8), exit 101); a Debian host has none. Set aside inside the container only.
        await RunAsync("mv", "/usr/sbin/policy-rc.d", PolicyAside);
        try
        {
            // Install: the socket is enabled and listening, the first client starts the service.
            (await RunAsync("dpkg", "-i", first)).EnsureSuccess();
            Assert.Equal("enabled", (await RunAsync("systemctl", "is-enabled", "chatdaemon.socket")).Output.Trim());
            Assert.Equal("active", (await RunAsync("systemctl", "is-active", "chatdaemon.socket")).Output.Trim());
            await using var alice = await (await LineClient.ConnectAsync(port)).WithNickAsync("alice");
            Assert.Equal(0, (await RunAsync("test", "-x", "/usr/lib/chatdaemon/chatdaemon")).ExitCode);

            // The man pages.
            // man(1) justifies its lines: compare with the spacing folded.
            Assert.Contains("chatdaemon - TCP chat and echo server", Folded((await RunAsync("man", "-P", "cat", "8", "chatdaemon")).Output));
            Assert.Contains("Limits:MaxConnections", Folded((await RunAsync("man", "-P", "cat", "5", "chatdaemon.json")).Output));

            // Upgrade with alice connected: the service restarts on the new binary and she stays, with her nick.
            string mainPid = (await RunAsync("systemctl", "show", "-p", "MainPID", "--value", "chatdaemon.service")).Output.Trim();
            (await RunAsync("dpkg", "-i", second)).EnsureSuccess();
            Assert.Equal("0.1.1", (await RunAsync("dpkg-query", "-W", "-f", "${Version}", "chatdaemon")).Output.Trim());
            Assert.NotEqual(mainPid, (await RunAsync("systemctl", "show", "-p", "MainPID", "--value", "chatdaemon.service")).Output.Trim());
            Assert.Equal("* server restarted", await alice.ReadLineAsync());
            await alice.AssertNothingPendingAsync();

            // Remove: units stopped, program gone, configuration kept; alice is told and closed.
            (await RunAsync("dpkg", "-r", "chatdaemon")).EnsureSuccess();
            Assert.True(await alice.IsClosedByServerAsync());
            Assert.NotEqual("active", (await RunAsync("systemctl", "is-active", "chatdaemon.socket")).Output.Trim());
            Assert.NotEqual(0, (await RunAsync("test", "-e", "/usr/lib/chatdaemon/chatdaemon")).ExitCode);
            Assert.Equal(0, (await RunAsync("test", "-f", "/etc/chatdaemon/chatdaemon.json")).ExitCode);

            // Purge: configuration, units and the system user gone.
            (await RunAsync("dpkg", "-P", "chatdaemon")).EnsureSuccess();
            Assert.NotEqual(0, (await RunAsync("test", "-e", "/etc/chatdaemon")).ExitCode);
            Assert.NotEqual(0, (await RunAsync("test", "-e", "/lib/systemd/system/chatdaemon.service")).ExitCode);
            Assert.NotEqual(0, (await RunAsync("getent", "passwd", "chatdaemon")).ExitCode);
            Assert.Equal("not-found", (await RunAsync("systemctl", "show", "-p", "LoadState", "--value", "chatdaemon.socket")).Output.Trim());
        }
        finally
        {
            await RunAsync("dpkg", "-P", "chatdaemon");
            await RunAsync("mv", PolicyAside, "/usr/sbin/policy-rc.d");
            await RunAsync("rm", "-f", dropIn);
            await container.InstallChatDaemonAsync(again: true);
            await RunAsync("systemctl", "daemon-reload");
        }
    }
}
