using ChatDaemon.Configuration;
using ChatDaemon.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Tests.Configuration;

public sealed class ClosedOptionsTests
{
    public sealed class Sample
    {
        public int Value { get; set; }
    }

    private sealed class PositiveValue : IValidateOptions<Sample>
    {
        public ValidateOptionsResult Validate(string? name, Sample options) =>
            options.Value > 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail("Value must be positive");
    }

    private static (ServiceProvider Services, IConfigurationRoot Configuration) BuildSample(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sample:Value"] = value }).Build();
        var services = new ServiceCollection();
        services.AddCheckedOptions<Sample, PositiveValue>(configuration, "Sample", static (c, o) => c.Bind(o));
        return (services.BuildServiceProvider(), configuration);
    }

    [Fact]
    public void Every_options_type_the_server_configures_is_registered_as_closed_types()
    {
        var inputs = ConfigurationInputs.Defaults with { ConfigFile = "/nonexistent/chatdaemon.json" };
        var services = ServerHost.CreateBuilder(inputs, ConfigurationLoader.Load(inputs)).Services;

        // Options types the host configures and code can name (the framework's internal ones cannot be closed here).
        var configured = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.IsPublic || t.IsNestedPublic)
            .Distinct()
            .ToList();
        Assert.Contains(typeof(ChatOptions), configured);
        Assert.Contains(typeof(LimitsOptions), configured);

        var open = configured
            .Where(t => !services.Any(d => d.ServiceType == typeof(IOptionsMonitor<>).MakeGenericType(t))
                     || !services.Any(d => d.ServiceType == typeof(IOptions<>).MakeGenericType(t))
                     || !services.Any(d => d.ServiceType == typeof(IOptionsFactory<>).MakeGenericType(t)))
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(open);
    }

    [Fact]
    public void The_closed_registration_is_the_one_resolved_and_shares_factory_and_cache()
    {
        var (services, _) = BuildSample("3");
        using (services)
        {
            Assert.IsType<OptionsMonitor<Sample>>(services.GetRequiredService<IOptionsMonitor<Sample>>());
            Assert.Same(services.GetRequiredService<IOptionsMonitor<Sample>>(), services.GetRequiredService<IOptionsMonitor<Sample>>());
            Assert.Equal(3, services.GetRequiredService<IOptions<Sample>>().Value.Value);
            Assert.Equal(3, services.GetRequiredService<IOptionsMonitor<Sample>>().CurrentValue.Value);
        }
    }

    [Fact]
    public void A_configuration_reload_reaches_the_monitor_and_its_listeners()
    {
        var (services, configuration) = BuildSample("3");
        using (services)
        {
            var monitor = services.GetRequiredService<IOptionsMonitor<Sample>>();
            Assert.Equal(3, monitor.CurrentValue.Value);
            var seen = new List<int>();
            using var subscription = monitor.OnChange(o => seen.Add(o.Value));

            configuration["Sample:Value"] = "7";
            configuration.Reload();

            Assert.Equal(7, monitor.CurrentValue.Value);
            Assert.Equal([7], seen);
            // IOptions<T> is the value at first use and stays it, as the framework's own registration does.
            Assert.Equal(7, services.GetRequiredService<IOptions<Sample>>().Value.Value);
        }
    }

    [Fact]
    public void Invalid_options_still_fail_validation_through_the_closed_factory()
    {
        var (services, _) = BuildSample("0");
        using (services)
        {
            var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<Sample>>().CurrentValue);
            Assert.Contains("Value must be positive", ex.Message);
        }
    }
}
