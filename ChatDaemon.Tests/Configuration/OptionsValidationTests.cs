using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatDaemon.Tests.Configuration;

public sealed class OptionsValidationTests
{
    private static IReadOnlyList<string> Validate(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
        // As the composition root does: the chat section comes with the chat's own validator.
        var services = new ServiceCollection().AddServerOptions(configuration)
            .AddCheckedOptions<ChatOptions, ChatOptionsValidator>(configuration, "Chat", static (c, o) => c.Bind(o))
            .BuildServiceProvider();
        return services.GetRequiredService<ConfigurationValidator>().Validate(configuration);
    }

    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(Validate());

    [Fact]
    public void Zero_switches_limits_off_and_is_valid() => Assert.Empty(Validate(
        ("Limits:MaxLineBytes", "0"), ("Limits:SendQueueBytes", "0"), ("Limits:LinesPerSecond", "0"), ("Limits:LineBurst", "0"),
        ("Limits:MaxConnections", "0"), ("Limits:MaxConnectionsPerAddress", "0"), ("Limits:KeepAliveSeconds", "0"),
        ("Limits:SlowClientSeconds", "0")));

    [Theory]
    [InlineData("Limits:MaxLineBytes", "-1")]
    [InlineData("Limits:MaxLineBytes", "99999999")]
    [InlineData("Limits:SendQueueBytes", "10")]
    [InlineData("Limits:SlowClientSeconds", "-1")]
    [InlineData("Limits:SlowClientSeconds", "61")]
    [InlineData("Limits:SlowClientSeconds", "NaN")]
    [InlineData("Limits:LinesPerSecond", "-2")]
    [InlineData("Limits:LinesPerSecond", "NaN")]
    [InlineData("Limits:MaxConnections", "-1")]
    [InlineData("Limits:MaxConnectionsPerAddress", "lots")]
    [InlineData("Limits:KeepAliveSeconds", "40000")]
    [InlineData("Shutdown:DrainTimeoutSeconds", "-1")]
    [InlineData("Chat:DefaultRoom", "two words")]
    [InlineData("Chat:RestartNotice", "two\nlines")]
    [InlineData("Listen:0", "chat=127.0.0.1")]
    [InlineData("Transport:Kind", "Pigeon")]
    [InlineData("Transport:EventLoops", "-1")]
    [InlineData("Transport:EventLoops", "1000")]
    public void Each_bad_value_is_reported_with_its_key(string key, string value)
    {
        var failures = Validate((key, value));
        Assert.Contains(failures, f => f.Contains(key.Split(':')[0] == "Listen" ? "Listen" : key));
    }

    [Fact]
    public void A_rate_without_a_burst_is_refused() =>
        Assert.Contains(Validate(("Limits:LineBurst", "0")), f => f.Contains("LineBurst"));

    [Fact]
    public void The_same_address_twice_is_refused() =>
        Assert.Contains(Validate(("Listen:0", "chat=127.0.0.1:5000"), ("Listen:1", "echo=127.0.0.1:5000")), f => f.Contains("listed twice"));
}
