using ChatDaemon.CommandLine;

namespace ChatDaemon.Tests.CommandLine;

public class CommandLineArgumentsTests
{
    [Fact]
    public void Daemon_options_configuration_options_and_keys_are_parsed_in_one_pass()
    {
        var line = CommandLineArguments.Parse(["--daemon", "--pid-file=/run/x.pid", "--config", "a.json", "--user", "nobody", "--group", "nogroup", "--Chat:Port=2323", "--umask", "027", "--listen", "echo=127.0.0.1:7"]);

        Assert.Equal(CommandVerb.Run, line.Verb);
        Assert.True(line.Detach);
        Assert.Equal("/run/x.pid", line.PidFilePath);
        Assert.Equal("nobody", line.User);
        Assert.Equal("nogroup", line.Group);
        Assert.Equal(0x17u, line.Umask); // 027 octal
        Assert.Equal("a.json", line.ConfigFile);
        Assert.Equal(["echo=127.0.0.1:7"], line.Listen);
        Assert.Equal(["--Chat:Port=2323"], line.ConfigurationKeys);
    }

    [Fact]
    public void A_configuration_key_takes_its_value_inline_or_from_the_next_argument()
    {
        var line = CommandLineArguments.Parse(["--Limits:MaxLineBytes", "8192", "--Chat:Motd=hi"]);

        Assert.Equal(["--Limits:MaxLineBytes", "8192", "--Chat:Motd=hi"], line.ConfigurationKeys);
        Assert.Equal(["--Limits:MaxLineBytes", "8192", "--Chat:Motd=hi"], line.ToConfigurationInputs().CommandLineKeys);
    }

    [Fact]
    public void Without_config_the_default_file_is_optional_and_with_it_required()
    {
        var defaults = CommandLineArguments.Parse([]).ToConfigurationInputs();
        var given = CommandLineArguments.Parse(["-c", "x.json"]).ToConfigurationInputs();

        Assert.False(defaults.ConfigFileRequired);
        Assert.Equal("x.json", given.ConfigFile);
        Assert.True(given.ConfigFileRequired);
    }

    [Fact]
    public void Foreground_run_has_no_pid_file_unless_asked_but_daemon_and_control_verbs_use_the_default()
    {
        Assert.Null(CommandLineArguments.Parse([]).PidFilePath);
        Assert.Null(CommandLineArguments.Parse(["check-config"]).PidFilePath);
        Assert.Equal(CommandLineArguments.DefaultPidFilePath, CommandLineArguments.Parse(["--daemon"]).PidFilePath);
        Assert.Equal(CommandLineArguments.DefaultPidFilePath, CommandLineArguments.Parse(["status"]).PidFilePath);
    }

    [Theory]
    [InlineData("status", CommandVerb.Status)]
    [InlineData("stop", CommandVerb.Stop)]
    [InlineData("reload", CommandVerb.Reload)]
    [InlineData("restart", CommandVerb.Restart)]
    public void A_leading_control_verb_is_recognised_and_not_repeated_in_the_arguments(string word, CommandVerb verb)
    {
        var line = CommandLineArguments.Parse([word, "--pid-file", "/tmp/p.pid", "--timeout", "2.5"]);

        Assert.Equal(verb, line.Verb);
        Assert.True(line.IsControlVerb);
        Assert.Equal(TimeSpan.FromSeconds(2.5), line.Timeout);
        Assert.Equal(["--pid-file", "/tmp/p.pid", "--timeout", "2.5"], line.Arguments);
    }

    [Theory]
    [InlineData(new[] { "run" }, CommandVerb.Run)]
    [InlineData(new[] { "check-config", "--config", "a.json" }, CommandVerb.CheckConfig)]
    [InlineData(new[] { "help" }, CommandVerb.Help)]
    [InlineData(new[] { "version" }, CommandVerb.Version)]
    [InlineData(new[] { "--config", "a.json", "--help" }, CommandVerb.Help)]
    [InlineData(new[] { "status", "-h" }, CommandVerb.Help)]
    [InlineData(new[] { "-V" }, CommandVerb.Version)]
    public void Other_verbs_and_help_or_version_anywhere(string[] args, CommandVerb verb)
    {
        var line = CommandLineArguments.Parse(args);

        Assert.Equal(verb, line.Verb);
        Assert.False(line.IsControlVerb);
    }

    [Fact]
    public void Run_keeps_every_argument_for_the_relaunched_daemon()
    {
        Assert.Equal(["run", "--daemon", "--config", "a.json"], CommandLineArguments.Parse(["run", "--daemon", "--config", "a.json"]).Arguments);
    }

    [Fact]
    public void A_relative_pid_file_is_made_absolute_before_the_daemon_leaves_its_directory()
    {
        var line = CommandLineArguments.Parse(["--pid-file", "d.pid"]);

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "d.pid"), line.PidFilePath);
    }

    [Fact]
    public void A_verb_later_on_the_line_is_an_option_value()
    {
        var line = CommandLineArguments.Parse(["--config", "stop"]);

        Assert.Equal(CommandVerb.Run, line.Verb);
        Assert.Equal("stop", line.ConfigFile);
    }

    [Theory]
    [InlineData("--group", "adm")]
    [InlineData("--umask", "9")]
    [InlineData("--umask", "1777")]
    [InlineData("--timeout", "0")]
    [InlineData("--pid-file")]
    [InlineData("--pid-file=")]
    [InlineData("stop", "--daemon")]
    [InlineData("frobnicate")]
    [InlineData("--config")]
    [InlineData("--listen", "gopher=127.0.0.1:70")]
    [InlineData("stray")]
    [InlineData("run", "stray")]
    [InlineData("-x")]
    [InlineData("--")]
    public void Invalid_lines_are_usage_errors(params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => CommandLineArguments.Parse(args));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
