using ChatDaemon.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatDaemon.Tests.Configuration;

/// <summary>The reload contract: declared order, all-or-nothing, restart-required keys rejected by name.</summary>
public sealed class ReloadContractTests : IDisposable
{
    private readonly string _configFile = Path.Combine(Path.GetTempPath(), $"chatdaemon-contract-{Guid.NewGuid():N}.json");
    private readonly List<string> _calls = [];

    private sealed class Recorder(string name, ReloadOrder order, List<string> calls, string? rejection = null) : IReloadParticipant
    {
        public ReloadOrder Order => order;

        public void OnReloading() => calls.Add($"{name}.reloading");

        public Task<string?> PrepareAsync(IConfiguration candidate, CancellationToken cancellationToken)
        {
            calls.Add($"{name}.prepare");
            return Task.FromResult(rejection);
        }

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            calls.Add($"{name}.commit");
            return Task.CompletedTask;
        }

        public Task RollbackAsync(CancellationToken cancellationToken)
        {
            calls.Add($"{name}.rollback");
            return Task.CompletedTask;
        }

        public void OnReloaded(ReloadOutcome outcome) => calls.Add($"{name}.reloaded");
    }

    private (ConfigurationReloader Reloader, IConfiguration Running) Build(string json, params IReloadParticipant[] participants)
    {
        File.WriteAllText(_configFile, json);
        var inputs = ConfigurationInputs.Defaults with { ConfigFile = _configFile };
        var source = new SnapshotConfigurationSource(ConfigurationLoader.Load(inputs));
        var running = new ConfigurationBuilder().Add(source).Build();
        var reloader = new ConfigurationReloader(inputs, source.Provider, new ConfigurationValidator([]), participants,
            NullLogger<ConfigurationReloader>.Instance);
        return (reloader, running);
    }

    [Fact]
    public async Task Participants_run_in_their_declared_order_whatever_the_registration_order()
    {
        var (reloader, _) = Build("{}",
            new Recorder("ack", ReloadOrder.AcknowledgementFile, _calls),
            new Recorder("status", ReloadOrder.ServiceStatus, _calls),
            new Recorder("listeners", ReloadOrder.Listeners, _calls));

        var outcome = await reloader.ReloadAsync(CancellationToken.None);

        Assert.True(outcome.Applied, outcome.Error);
        Assert.Equal(
        [
            "listeners.reloading", "status.reloading", "ack.reloading",
            "listeners.prepare", "status.prepare", "ack.prepare",
            "listeners.commit", "status.commit", "ack.commit",
            "listeners.reloaded", "status.reloaded", "ack.reloaded",
        ], _calls);
    }

    [Fact]
    public async Task A_participant_that_refuses_rolls_back_the_prepared_ones_in_reverse_and_nothing_is_applied()
    {
        var (reloader, running) = Build("""{ "Chat": { "Motd": "old" } }""",
            new Recorder("first", ReloadOrder.Listeners, _calls),
            new Recorder("second", ReloadOrder.LogLevels, _calls),
            new Recorder("refuser", ReloadOrder.ServiceStatus, _calls, rejection: "cannot"));
        File.WriteAllText(_configFile, """{ "Chat": { "Motd": "new" } }""");

        var outcome = await reloader.ReloadAsync(CancellationToken.None);

        Assert.False(outcome.Applied);
        Assert.Equal("cannot", outcome.Error);
        Assert.Equal("old", running["Chat:Motd"]);
        Assert.DoesNotContain(_calls, c => c.EndsWith(".commit"));
        Assert.Equal(["refuser.rollback", "second.rollback", "first.rollback"], _calls.Where(c => c.EndsWith(".rollback")));
    }

    [Theory]
    [InlineData("""{ "Transport": { "Kind": "Sockets" }, "Chat": { "Motd": "new" } }""", "Transport:Kind")]
    [InlineData("""{ "Transport": { "EventLoops": "3" }, "Chat": { "Motd": "new" } }""", "Transport:EventLoops")]
    [InlineData("""{ "Logging": { "Syslog": { "Enabled": "true" } }, "Chat": { "Motd": "new" } }""", "Logging:Syslog:Enabled")]
    [InlineData("""{ "Logging": { "Journal": { "SyslogIdentifier": "other" } }, "Chat": { "Motd": "new" } }""", "Logging:Journal:SyslogIdentifier")]
    public async Task Changing_a_restart_required_key_rejects_the_whole_reload_naming_the_key(string edited, string key)
    {
        var (reloader, running) = Build("""{ "Chat": { "Motd": "old" } }""", new Recorder("listeners", ReloadOrder.Listeners, _calls));
        File.WriteAllText(_configFile, edited);

        var outcome = await reloader.ReloadAsync(CancellationToken.None);

        Assert.False(outcome.Applied);
        Assert.Equal($"changes to {key} need a restart", outcome.Error);
        Assert.Equal([key], outcome.NeedRestart);
        Assert.Equal("old", running["Chat:Motd"]);
        Assert.Equal(["listeners.reloading", "listeners.reloaded"], _calls);
    }

    [Fact]
    public async Task Every_changed_restart_required_key_is_named()
    {
        var (reloader, _) = Build("""{ "Transport": { "Kind": "Epoll" } }""");
        File.WriteAllText(_configFile, """{ "Transport": { "Kind": "Sockets" }, "Logging": { "Console": { "Enabled": "false" } } }""");

        var outcome = await reloader.ReloadAsync(CancellationToken.None);

        Assert.Equal(["Logging:Console:Enabled", "Transport:Kind"], outcome.NeedRestart);
        Assert.Equal("changes to Logging:Console:Enabled, Transport:Kind need a restart", outcome.Error);
    }

    [Fact]
    public async Task A_restart_required_key_left_as_it_was_does_not_stop_the_reload()
    {
        var (reloader, running) = Build("""{ "Transport": { "Kind": "Sockets" }, "Chat": { "Motd": "old" } }""");
        // Same value, other spelling of the key's case: configuration keys are case-insensitive.
        File.WriteAllText(_configFile, """{ "transport": { "kind": "Sockets" }, "Chat": { "Motd": "new" }, "Logging": { "MinimumLevel": { "Default": "Debug" } } }""");

        var outcome = await reloader.ReloadAsync(CancellationToken.None);

        Assert.True(outcome.Applied, outcome.Error);
        Assert.Empty(outcome.NeedRestart);
        Assert.Equal("new", running["Chat:Motd"]);
    }

    [Theory]
    [InlineData("Transport", true)]
    [InlineData("Transport:Kind", true)]
    [InlineData("logging:syslog:port", true)]
    [InlineData("TransportX:Kind", false)]
    [InlineData("Logging:MinimumLevel:Default", false)]
    [InlineData("Logging:SyslogFoo", false)]
    [InlineData("Listen:0", false)]
    public void Restart_required_sections_match_whole_path_segments(string key, bool covered) =>
        Assert.Equal(covered, RestartRequiredKeys.Covers(key));

    public void Dispose() => File.Delete(_configFile);
}
