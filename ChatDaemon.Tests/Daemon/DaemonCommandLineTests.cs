using ChatDaemon.Daemon;
using Xunit;

namespace ChatDaemon.Tests.Daemon;

public class DaemonCommandLineTests
{
    [Fact]
    public void Daemon_options_are_taken_and_the_rest_is_left_for_the_host()
    {
        var line = DaemonCommandLine.Parse(["--daemon", "--pid-file=/run/x.pid", "--config", "a.json", "--user", "nobody", "--group", "nogroup", "--Chat:Port=2323", "--umask", "027"]);

        Assert.Null(line.Error);
        Assert.Equal(DaemonVerb.Run, line.Verb);
        Assert.True(line.Detach);
        Assert.Equal("/run/x.pid", line.PidFilePath);
        Assert.Equal("nobody", line.User);
        Assert.Equal("nogroup", line.Group);
        Assert.Equal(0x17u, line.Umask); // 027 octal
        Assert.Equal(["--config", "a.json", "--Chat:Port=2323"], line.HostArguments);
    }

    [Fact]
    public void Foreground_run_has_no_pid_file_unless_asked_but_daemon_and_verbs_use_the_default()
    {
        Assert.Null(DaemonCommandLine.Parse([]).PidFilePath);
        Assert.Equal(DaemonCommandLine.DefaultPidFilePath, DaemonCommandLine.Parse(["--daemon"]).PidFilePath);
        Assert.Equal(DaemonCommandLine.DefaultPidFilePath, DaemonCommandLine.Parse(["status"]).PidFilePath);
    }

    [Theory]
    [InlineData("status", DaemonVerb.Status)]
    [InlineData("stop", DaemonVerb.Stop)]
    [InlineData("reload", DaemonVerb.Reload)]
    [InlineData("restart", DaemonVerb.Restart)]
    public void A_leading_verb_is_recognised_and_not_repeated_in_the_arguments(string word, DaemonVerb verb)
    {
        var line = DaemonCommandLine.Parse([word, "--pid-file", "/tmp/p.pid", "--timeout", "2.5"]);

        Assert.Equal(verb, line.Verb);
        Assert.Equal(TimeSpan.FromSeconds(2.5), line.Timeout);
        Assert.Equal(["--pid-file", "/tmp/p.pid", "--timeout", "2.5"], line.Arguments);
    }

    [Fact]
    public void A_relative_pid_file_is_made_absolute_before_the_daemon_leaves_its_directory()
    {
        var line = DaemonCommandLine.Parse(["--pid-file", "d.pid"]);

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "d.pid"), line.PidFilePath);
    }

    [Fact]
    public void A_verb_later_on_the_line_is_a_host_argument()
    {
        var line = DaemonCommandLine.Parse(["--config", "stop"]);

        Assert.Equal(DaemonVerb.Run, line.Verb);
        Assert.Equal(["--config", "stop"], line.HostArguments);
    }

    [Theory]
    [InlineData("--group", "adm")]
    [InlineData("--umask", "9")]
    [InlineData("--umask", "1777")]
    [InlineData("--timeout", "0")]
    [InlineData("--pid-file")]
    [InlineData("stop", "--daemon")]
    public void Invalid_lines_are_usage_errors(params string[] args)
    {
        var line = DaemonCommandLine.Parse(args);

        Assert.NotNull(line.Error);
    }
}
