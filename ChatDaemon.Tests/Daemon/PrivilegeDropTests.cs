using ChatDaemon.CommandLine;
using ChatDaemon.Daemon;
using ChatDaemon.Interop;

namespace ChatDaemon.Tests.Daemon;

/// <summary>The privilege drop of the real chatdaemon, observed in /proc (the tests run as root, as CI does).</summary>
public sealed class PrivilegeDropTests : IDisposable
{
    private readonly ChildProcesses _children = new();
    private readonly int _port = ChildProcesses.FreePort();

    public PrivilegeDropTests()
    {
        Assert.True(LibC.geteuid() == 0, "the daemon tests run as root (as CI does)");
        Assert.Equal(0, LibC.chmod(_children.Directory, 0x1ED)); // 0755: the dropped daemon may look inside
    }

    [Fact]
    public async Task An_explicit_group_replaces_the_supplementary_groups()
    {
        var daemonGroup = PrivilegeDrop.ResolveGroup("daemon");
        var nobody = PrivilegeDrop.ResolveUser("nobody");

        var (code, _, error) = await ChildProcesses.RunChatdaemonAsync(
            "--daemon", "--pid-file", _children.PidFile, "--listen", $"chat=127.0.0.1:{_port}", "--user", "nobody", "--group", "daemon");

        Assert.True(code == 0, error);
        var pid = int.Parse(ChildProcesses.ReadWithoutLocking(_children.PidFile)!.Trim());
        _children.Track(pid);
        Assert.Equal($"{nobody.Uid}\t{nobody.Uid}\t{nobody.Uid}\t{nobody.Uid}", ChildProcesses.ProcStatus(pid, "Uid"));
        Assert.Equal($"{daemonGroup}\t{daemonGroup}\t{daemonGroup}\t{daemonGroup}", ChildProcesses.ProcStatus(pid, "Gid"));
        Assert.Equal(daemonGroup.ToString(), ChildProcesses.ProcStatus(pid, "Groups"));
    }

    [Fact]
    public async Task Switching_user_without_being_root_refuses_to_continue()
    {
        var config = Path.Combine(_children.Directory, "chatdaemon.json");
        await File.WriteAllTextAsync(config, "{}");
        var (code, _, error) = await ChildProcesses.RunAsync("/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", ChildProcesses.Chatdaemon,
             "--listen", $"chat=127.0.0.1:{_port}", "--user", "daemon", "--config", config]);

        Assert.Equal(ExitCodes.NoPermission, code);
        Assert.Contains("--user daemon needs the daemon to be started as root (euid is 65534)", error);
    }

    [Fact]
    public async Task Running_as_root_without_user_logs_a_warning()
    {
        var daemon = _children.Start(ChildProcesses.Chatdaemon, "--listen", $"chat=127.0.0.1:{_port}");
        var warned = false;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!warned && DateTime.UtcNow < deadline && await daemon.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)) is { } line)
            warned = line.Contains("[603]") && line.Contains("Running as root without --user");

        Assert.True(warned, "no warning about running as root");
    }

    public void Dispose() => _children.Dispose();
}

public class PrivilegeDropResolutionTests
{
    [Fact]
    public void A_user_name_resolves_to_its_uid_and_primary_group()
    {
        var (name, uid, gid) = PrivilegeDrop.ResolveUser("nobody");

        Assert.Equal("nobody", name);
        Assert.Equal(EtcPasswd.Field("nobody", 2), uid.ToString());
        Assert.Equal(EtcPasswd.Field("nobody", 3), gid.ToString());
    }

    [Fact]
    public void A_numeric_user_without_passwd_entry_is_taken_as_uid_and_gid()
    {
        Assert.Equal(("4242", 4242u, 4242u), PrivilegeDrop.ResolveUser("4242"));
    }

    [Fact]
    public void An_unknown_user_or_group_is_a_configuration_error()
    {
        Assert.Equal(ExitCodes.Config, Assert.Throws<StartupException>(() => PrivilegeDrop.ResolveUser("no-such-user-here")).ExitCode);
        Assert.Equal(ExitCodes.Config, Assert.Throws<StartupException>(() => PrivilegeDrop.ResolveGroup("no-such-group-here")).ExitCode);
    }

    /// <summary>/etc/passwd read directly, to check getpwnam_r against another source.</summary>
    private static class EtcPasswd
    {
        public static string Field(string user, int index) =>
            File.ReadLines("/etc/passwd").Select(line => line.Split(':')).Single(fields => fields[0] == user)[index];
    }
}
