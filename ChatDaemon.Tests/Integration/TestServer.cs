using ChatDaemon.CommandLine;
using ChatDaemon.Configuration;
using ChatDaemon.Hosting;
using ChatDaemon.Networking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// The real host, in-process, on loopback ports the OS chooses. Configuration comes from a JSON file
/// the test owns (so reload can be tested) plus command-line keys; disposed = stopped.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestServer(IHost host, string configFile)
    {
        _host = host;
        ConfigFile = configFile;
    }

    public string ConfigFile { get; }

    public IServiceProvider Services => _host.Services;

    public int ChatPort => Port(ListenerProtocol.Chat);

    public int EchoPort => Port(ListenerProtocol.Echo);

    public static async Task<TestServer> StartAsync(string? json = null, params string[] keys)
    {
        string file = Path.Combine(Path.GetTempPath(), $"chatdaemon-test-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json ?? """{ "Listen": [ "chat=127.0.0.1:0", "echo=127.0.0.1:0" ] }""");
        var command = CommandLineArguments.Parse(["--config", file, "--Logging:MinimumLevel:Default=Warning", .. keys]);
        var inputs = command.ToConfigurationInputs();
        var host = ServerHost.CreateBuilder(inputs, ConfigurationLoader.Load(inputs)).Build();
        await host.StartAsync();
        return new TestServer(host, file);
    }

    public int Port(ListenerProtocol protocol, bool tls = false) =>
        ((System.Net.IPEndPoint)Services.GetRequiredService<ListenerSet>().Bound.First(e => e.Protocol == protocol && e.Tls == tls).EndPoint).Port;

    public Task<ReloadOutcome> ReloadAsync() =>
        Services.GetRequiredService<IConfigurationReloader>().ReloadAsync(CancellationToken.None);

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
        File.Delete(ConfigFile);
    }
}
