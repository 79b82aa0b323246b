using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

public static class OptionsRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> bound to <paramref name="section"/> (null: the root),
    /// validated at startup by <typeparamref name="TValidator"/> and checkable on candidate configurations.
    /// </summary>
    public static IServiceCollection AddCheckedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string? section)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>()
            .Bind(section is null ? configuration : configuration.GetSection(section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.AddSingleton<IOptionsCheck>(sp => new OptionsCheck<TOptions>(section, sp.GetServices<IValidateOptions<TOptions>>()));
        services.TryAddSingleton<ConfigurationValidator>();
        return services;
    }

    /// <summary>The options of the server itself: listeners, chat, limits, shutdown.</summary>
    public static IServiceCollection AddServerOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<ListenOptions, ListenOptionsValidator>(configuration, null);
        services.AddCheckedOptions<ChatOptions, ChatOptionsValidator>(configuration, "Chat");
        services.AddCheckedOptions<LimitsOptions, LimitsOptionsValidator>(configuration, "Limits");
        services.AddCheckedOptions<ShutdownOptions, ShutdownOptionsValidator>(configuration, "Shutdown");
        return services;
    }
}
