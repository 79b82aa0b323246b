using ChatDaemon.Configuration;

namespace ChatDaemon.Tests.Configuration;

public sealed class ConfigurationLoaderTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"chatdaemon-loader-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void Command_line_listen_replaces_the_whole_configured_list()
    {
        File.WriteAllText(_file, """{ "Listen": [ "chat=127.0.0.1:1", "echo=127.0.0.1:2", "chat=127.0.0.1:3" ] }""");
        var data = ConfigurationLoader.Load(new ConfigurationInputs(_file, true, ["echo=127.0.0.1:9"], []));
        Assert.Equal("echo=127.0.0.1:9", data["Listen:0"]);
        Assert.DoesNotContain(data.Keys, k => k.Equals("Listen:1", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(data.Keys, k => k.Equals("Listen:2", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Command_line_keys_override_the_file()
    {
        File.WriteAllText(_file, """{ "Chat": { "Motd": "file" }, "Limits": { "LineBurst": 5 } }""");
        var data = ConfigurationLoader.Load(new ConfigurationInputs(_file, true, [], ["--Chat:Motd=cli"]));
        Assert.Equal("cli", data["Chat:Motd"]);
        Assert.Equal("5", data["Limits:LineBurst"]);
    }

    [Fact]
    public void The_default_file_may_be_absent_but_a_named_one_may_not()
    {
        Assert.NotNull(ConfigurationLoader.Load(new ConfigurationInputs(_file, false, [], [])));
        var ex = Assert.Throws<ConfigurationLoadException>(() => ConfigurationLoader.Load(new ConfigurationInputs(_file, true, [], [])));
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Broken_json_names_the_file_and_the_position()
    {
        File.WriteAllText(_file, "{\n  \"Chat\": { \"Motd\": \"x\" \n");
        var ex = Assert.Throws<ConfigurationLoadException>(() => ConfigurationLoader.Load(new ConfigurationInputs(_file, true, [], [])));
        Assert.Contains(_file, ex.Message);
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Fact]
    public void Run_defaults_sit_below_the_file()
    {
        File.WriteAllText(_file, """{ "Logging": { "Syslog": { "Enabled": false } } }""");
        var defaults = new Dictionary<string, string?> { ["Logging:Syslog:Enabled"] = "true", ["Chat:Motd"] = "default" };
        var data = ConfigurationLoader.Load(new ConfigurationInputs(_file, true, [], []) { RunDefaults = defaults });
        Assert.Equal("False", data["Logging:Syslog:Enabled"], ignoreCase: true);
        Assert.Equal("default", data["Chat:Motd"]);
    }
}
