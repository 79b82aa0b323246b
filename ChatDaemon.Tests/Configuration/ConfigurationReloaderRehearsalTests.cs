using ChatDaemon.Configuration;
using ChatDaemon.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatDaemon.Tests.Configuration;

public sealed class ConfigurationReloaderRehearsalTests : IDisposable
{
    private readonly string _configFile = Path.Combine(Path.GetTempPath(), $"chatdaemon-rehearsal-{Guid.NewGuid():N}.json");

    private sealed class RecordingObserver : IReloadParticipant
    {
        public ReloadOrder Order => ReloadOrder.ServiceStatus;

        public List<string> Calls { get; } = [];

        public void OnReloading() => Calls.Add("reloading");

        public void OnReloaded(ReloadOutcome outcome) => Calls.Add("reloaded");
    }

    private (IServiceProvider Services, RecordingObserver Observer) Build()
    {
        var inputs = ConfigurationInputs.Defaults with { ConfigFile = _configFile };
        var builder = ServerHost.CreateBuilder(inputs, ConfigurationLoader.Load(inputs));
        var observer = new RecordingObserver();
        builder.Services.AddSingleton<IReloadParticipant>(observer);
        return (builder.Build().Services, observer);
    }

    [Fact]
    public async Task A_rehearsal_reads_the_new_files_but_applies_nothing_and_tells_no_observer_while_a_reload_then_applies_them()
    {
        File.WriteAllText(_configFile, """{ "Chat": { "Motd": "running edition" } }""");
        var (services, observer) = Build();
        var configuration = services.GetRequiredService<IConfiguration>();
        var reloader = services.GetRequiredService<ConfigurationReloader>();
        File.WriteAllText(_configFile, """{ "Chat": { "Motd": "edited edition" } }""");

        reloader.Rehearse();

        Assert.Equal("running edition", configuration["Chat:Motd"]);
        Assert.Empty(observer.Calls);

        ReloadOutcome outcome = await reloader.ReloadAsync(CancellationToken.None);
        Assert.True(outcome.Applied, outcome.Error);
        Assert.Equal("edited edition", configuration["Chat:Motd"]);
        Assert.Equal(["reloading", "reloaded"], observer.Calls);
    }

    [Fact]
    public void A_rehearsal_of_an_invalid_configuration_neither_throws_nor_changes_the_running_one()
    {
        File.WriteAllText(_configFile, """{ "Chat": { "Motd": "running edition" } }""");
        var (services, observer) = Build();
        File.WriteAllText(_configFile, """{ "Limits": { "MaxLineBytes": -5 }, "Chat": { "Motd": "never applied" } }""");

        services.GetRequiredService<ConfigurationReloader>().Rehearse();

        Assert.Equal("running edition", services.GetRequiredService<IConfiguration>()["Chat:Motd"]);
        Assert.Empty(observer.Calls);
    }

    public void Dispose() => File.Delete(_configFile);
}
