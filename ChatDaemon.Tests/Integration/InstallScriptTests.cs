using System.Diagnostics;
using System.Text;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// The install path users take: deploy/install.sh publishes (Release, Native AOT by default) and installs
/// into a root; the installed binary must then start and serve.
/// </summary>
public sealed class InstallScriptTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"chatdaemon-install-{Guid.NewGuid():N}");

    private static string Repository
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ChatDaemon.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public async Task The_published_daemon_the_install_script_installs_starts_and_serves()
    {
        var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(Repository, "deploy", "install.sh"), "--root", _root])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string installErrors = await install.StandardError.ReadToEndAsync();
        await install.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        Assert.True(install.ExitCode == 0, $"install.sh failed ({install.ExitCode}): {installErrors}");

        string binary = Path.Combine(_root, "usr", "lib", "chatdaemon", "chatdaemon");
        string config = Path.Combine(_root, "etc", "chatdaemon", "chatdaemon.json");
        Assert.True(File.Exists(config), "a default configuration is installed");

        // Native AOT: one executable, no managed assembly or runtime beside it, its symbols not installed,
        // and the unit's MemoryDenyWriteExecute=yes left on (no JIT drop-in).
        Assert.Equal(["chatdaemon", "chatdaemon-reload"], Directory.GetFiles(Path.GetDirectoryName(binary)!).Select(Path.GetFileName).Order());
        Assert.Equal("\u007fELF", Encoding.ASCII.GetString(File.ReadAllBytes(binary), 0, 4));
        Assert.False(File.Exists(JitDropIn), "a native build needs no MemoryDenyWriteExecute=no drop-in");

        using var daemon = new Process
        {
            StartInfo = new ProcessStartInfo(binary, ["--config", config, "--listen", "chat=127.0.0.1:0"]) { RedirectStandardError = true },
        };
        daemon.Start();
        try
        {
            int port = await ReadPortAsync(daemon);
            await using var client = await LineClient.ConnectAsync(port);
            await client.AssertNothingPendingAsync();
        }
        finally
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }
    }

    private string JitDropIn => Path.Combine(_root, "etc", "systemd", "system", "chatdaemon.service.d", "jit.conf");

    [Fact]
    public async Task A_build_that_uses_the_JIT_is_installed_with_a_drop_in_that_allows_writable_executable_memory()
    {
        string debugBuild = Path.GetDirectoryName(typeof(ChatDaemon.Networking.ConnectionServer).Assembly.Location)!;
        var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(Repository, "deploy", "install.sh"), "--root", _root, "--no-publish", "--from", debugBuild])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string installErrors = await install.StandardError.ReadToEndAsync();
        await install.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(install.ExitCode == 0, $"install.sh failed ({install.ExitCode}): {installErrors}");
        string dropIn = await File.ReadAllTextAsync(JitDropIn);
        Assert.Contains("MemoryDenyWriteExecute=no", dropIn);
        Assert.Contains("SystemCallFilter=@resources", dropIn); // the unit denies it to the native build
        Assert.Contains("MemoryDenyWriteExecute=yes", await File.ReadAllTextAsync(Path.Combine(_root, "etc", "systemd", "system", "chatdaemon.service")));
    }

    private static async Task<int> ReadPortAsync(Process daemon)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pattern = new System.Text.RegularExpressions.Regex(@"Listening for chat on 127\.0\.0\.1:(\d+)");
        string seen = "";
        while (await daemon.StandardError.ReadLineAsync(cts.Token) is { } line)
        {
            seen += line + "\n";
            var match = pattern.Match(line);
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value);
            }
        }

        throw new InvalidOperationException($"the installed daemon exited (code {(daemon.HasExited ? daemon.ExitCode : -1)}) without listening: {seen}");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
