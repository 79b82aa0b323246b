using ChatDaemon.Configuration;
using ChatDaemon.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChatDaemon.Tests.Logging;

public sealed class LoggingConfigurationTests : IDisposable
{
    private readonly List<ServiceProvider> _providers = new();

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }
    }

    private static IConfigurationRoot Configuration(params (string Key, string Value)[] values)
    {
        var data = new Dictionary<string, string?> { ["Logging:Console:Enabled"] = "false" };
        foreach (var (key, value) in values)
        {
            data[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(data).Build();
    }

    private ILoggerFactory CreateFactory(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddChatDaemonLogging(configuration, runningUnderSystemd: false));
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<ILoggerFactory>();
    }

    // A reload as ConfigurationReloader runs it for the logging pipeline's participant: prepare, then commit or roll back.
    private async Task<string?> ReloadAsync(IConfiguration configuration)
    {
        var participant = Assert.Single(_providers[^1].GetServices<IReloadParticipant>());
        Assert.Equal(ReloadOrder.LogLevels, participant.Order);
        string? rejection = await participant.PrepareAsync(configuration, CancellationToken.None);
        await (rejection is null ? participant.CommitAsync(CancellationToken.None) : participant.RollbackAsync(CancellationToken.None));
        return rejection;
    }

    [Fact]
    public void Debug_is_enabled_when_configured_although_the_framework_default_filter_is_information()
    {
        var factory = CreateFactory(Configuration(("Logging:MinimumLevel:Default", "Debug")));

        Assert.True(factory.CreateLogger("ChatDaemon.Chat").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("ChatDaemon.Chat").IsEnabled(LogLevel.Trace));
    }

    [Fact]
    public void In_a_host_builder_the_logging_section_decides_and_the_framework_log_level_keys_do_not()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings
        {
            DisableDefaults = false,
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:Enabled"] = "false",
            ["Logging:MinimumLevel:Default"] = "Debug",
        });
        builder.Logging.AddChatDaemonLogging(builder.Configuration, runningUnderSystemd: false);
        using var host = builder.Build();

        var providers = host.Services.GetServices<ILoggerProvider>().ToList();
        var logger = host.Services.GetRequiredService<ILogger<LoggingConfigurationTests>>();

        Assert.Equal(typeof(Serilog.Extensions.Logging.SerilogLoggerProvider), Assert.Single(providers).GetType());
        Assert.True(logger.IsEnabled(LogLevel.Debug));
        Assert.False(logger.IsEnabled(LogLevel.Trace));
    }

    [Fact]
    public async Task A_reload_changes_the_default_level_and_the_category_overrides_without_a_restart()
    {
        var configuration = Configuration(
            ("Logging:MinimumLevel:Default", "Information"),
            ("Logging:MinimumLevel:Override:ChatDaemon.Networking", "Warning"));
        var factory = CreateFactory(configuration);
        var chat = factory.CreateLogger("ChatDaemon.Chat.Room");
        var networking = factory.CreateLogger("ChatDaemon.Networking.Listener");
        Assert.False(chat.IsEnabled(LogLevel.Debug));
        Assert.False(networking.IsEnabled(LogLevel.Information));

        configuration["Logging:MinimumLevel:Default"] = "Debug";
        configuration["Logging:MinimumLevel:Override:ChatDaemon.Networking"] = "Trace";
        Assert.Null(await ReloadAsync(configuration));

        Assert.True(chat.IsEnabled(LogLevel.Debug));
        Assert.True(networking.IsEnabled(LogLevel.Trace));
    }

    [Fact]
    public async Task An_override_removed_by_a_reload_follows_the_default_level()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("logging-config").FullName, "chatdaemon.json");
        try
        {
            File.WriteAllText(path, """
                { "Logging": { "Console": { "Enabled": false },
                               "MinimumLevel": { "Default": "Warning", "Override": { "ChatDaemon.Echo": "Debug" } } } }
                """);
            var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
            var echo = CreateFactory(configuration).CreateLogger("ChatDaemon.Echo");
            Assert.True(echo.IsEnabled(LogLevel.Debug));

            File.WriteAllText(path, """
                { "Logging": { "Console": { "Enabled": false }, "MinimumLevel": { "Default": "Error" } } }
                """);
            configuration.Reload();
            Assert.Null(await ReloadAsync(configuration));

            Assert.False(echo.IsEnabled(LogLevel.Warning));
            Assert.True(echo.IsEnabled(LogLevel.Error));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_reload_with_an_invalid_level_keeps_the_current_levels()
    {
        var configuration = Configuration(("Logging:MinimumLevel:Default", "Warning"));
        var factory = CreateFactory(configuration);
        var chat = factory.CreateLogger("ChatDaemon.Chat");

        configuration["Logging:MinimumLevel:Default"] = "Chatty";
        configuration.Reload();
        Assert.Contains("Chatty", await ReloadAsync(configuration));

        Assert.True(chat.IsEnabled(LogLevel.Warning));
        Assert.False(chat.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Invalid_settings_stop_startup_with_every_problem_named()
    {
        var configuration = Configuration(
            ("Logging:MinimumLevel:Default", "Loud"),
            ("Logging:MinimumLevel:Override:ChatDaemon.Chat", "Quiet"),
            ("Logging:Syslog:Enabled", "true"),
            ("Logging:Syslog:Transport", "Pigeon"),
            ("Logging:Syslog:Port", "70000"),
            ("Logging:Syslog:Facility", "Daemons"));

        var error = Assert.Throws<OptionsValidationException>(() => CreateFactory(configuration));

        Assert.Contains("Logging:MinimumLevel:Default: 'Loud' is not a log level; use Verbose (or Trace), Debug, Information, Warning, Error, Fatal (or Critical), None", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("Logging:MinimumLevel:Override:ChatDaemon.Chat: 'Quiet' is not a log level", StringComparison.Ordinal));
        Assert.Contains("Logging:Syslog:Transport: 'Pigeon' is not one of Local, Udp, Tcp", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("Logging:Syslog:Facility: 'Daemons' is not one of Kernel, User, Mail, Daemon", StringComparison.Ordinal));
        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void A_bad_port_is_reported_for_a_network_transport()
    {
        var options = new ChatDaemonLoggingOptions();
        options.Syslog.Enabled = true;
        options.Syslog.Transport = "udp";
        options.Syslog.Port = 0;

        var result = new ChatDaemonLoggingOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(["Logging:Syslog:Port: 0 is not a port number (1-65535)"], result.Failures);
    }

    [Fact]
    public void Tls_needs_tcp_and_octet_counting()
    {
        var options = new ChatDaemonLoggingOptions();
        options.Syslog.Enabled = true;
        options.Syslog.Transport = "Udp";
        options.Syslog.UseTls = true;
        options.Syslog.Framing = "NewLine";

        var failures = new ChatDaemonLoggingOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(
            ["Logging:Syslog:UseTls needs Transport Tcp (RFC 5425 is TLS over TCP)",
             "Logging:Syslog:Framing must be OctetCounting with TLS (RFC 5425 §4.3)"],
            failures);
    }

    [Fact]
    public void The_defaults_are_valid_and_the_example_configuration_of_the_readme_too()
    {
        Assert.True(new ChatDaemonLoggingOptionsValidator().Validate(null, new ChatDaemonLoggingOptions()).Succeeded);

        var readme = new ChatDaemonLoggingOptions();
        Configuration(
            ("Logging:Syslog:Enabled", "true"), ("Logging:Syslog:Transport", "Udp"), ("Logging:Syslog:Host", "127.0.0.1"),
            ("Logging:Syslog:Port", "514"), ("Logging:Syslog:Format", "Rfc5424"), ("Logging:Syslog:Facility", "Daemon"))
            .GetSection("Logging").Bind(readme);
        Assert.True(new ChatDaemonLoggingOptionsValidator().Validate(null, readme).Succeeded);
    }

    [Theory]
    [InlineData(true, true, null, null, true, false)]
    [InlineData(true, false, null, null, false, true)]
    [InlineData(false, true, null, null, false, true)]
    [InlineData(false, true, true, null, true, false)]
    [InlineData(true, true, null, true, true, true)]
    [InlineData(true, true, false, false, false, false)]
    public void Journal_is_the_default_under_systemd_and_stderr_otherwise(
        bool underSystemd, bool socketExists, bool? journalEnabled, bool? consoleEnabled, bool journal, bool console)
    {
        var options = new ChatDaemonLoggingOptions();
        options.Journal.Enabled = journalEnabled;
        options.Console.Enabled = consoleEnabled;

        var selection = SinkSelection.Choose(options, underSystemd, socketExists);

        Assert.Equal(new SinkSelection(journal, console, Syslog: false), selection);
    }
}
