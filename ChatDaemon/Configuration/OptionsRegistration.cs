using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

public static class OptionsRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> bound to <paramref name="section"/> (null: the root) by
    /// <paramref name="bind"/>, validated at startup by <typeparamref name="TValidator"/> and checkable on
    /// candidate configurations. <paramref name="bind"/> is written at the call site with the concrete type
    /// (<c>(c, o) =&gt; c.Bind(o)</c>) so the configuration binding generator replaces reflection there.
    /// </summary>
    public static IServiceCollection AddCheckedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions,
        // The container constructs the validator: a trimmed image must keep its constructors.
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this IServiceCollection services, IConfiguration configuration, string? section, Action<IConfiguration, TOptions> bind)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        var source = section is null ? configuration : configuration.GetSection(section);
        services.AddOptions<TOptions>()
            .Configure(options => bind(source, options))
            .ValidateOnStart();
        services.AddClosedOptions<TOptions>();

        // What Bind() would register: a reload of the configuration rebuilds the options.
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(source));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptionsCheck(section, bind);
    }

    /// <summary>
    /// Only makes <typeparamref name="TOptions"/>, registered elsewhere with its validators, checkable on
    /// candidate configurations (reload, check-config) with those same validators.
    /// </summary>
    public static IServiceCollection AddOptionsCheck<TOptions>(this IServiceCollection services, string? section, Action<IConfiguration, TOptions> bind)
        where TOptions : class, new()
    {
        services.AddSingleton<IOptionsCheck>(sp => new OptionsCheck<TOptions>(section, bind, sp.GetServices<IValidateOptions<TOptions>>()));
        services.TryAddSingleton<ConfigurationValidator>();
        return services;
    }

    /// <summary>
    /// The options of the server itself: listeners, limits, shutdown, transport. <c>Chat</c> is
    /// registered by the composition root with the chat's own validator.
    /// </summary>
    public static IServiceCollection AddServerOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<ListenOptions, ListenOptionsValidator>(configuration, null, static (c, o) => c.Bind(o));
        services.AddCheckedOptions<LimitsOptions, LimitsOptionsValidator>(configuration, "Limits", static (c, o) => c.Bind(o));
        services.AddCheckedOptions<ShutdownOptions, ShutdownOptionsValidator>(configuration, "Shutdown", static (c, o) => c.Bind(o));
        services.AddCheckedOptions<TransportOptions, TransportOptionsValidator>(configuration, "Transport", static (c, o) => c.Bind(o));
        return services;
    }
}
