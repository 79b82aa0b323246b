using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

/// <summary>
/// Registers the options services of one options type as closed generic types, in front of the open
/// generic ones <c>AddOptions()</c> registers.
/// </summary>
/// <remarks>
/// The container resolves an open generic registration (<c>IOptionsMonitor&lt;&gt;</c> to
/// <c>OptionsMonitor&lt;&gt;</c>) with <c>Type.MakeGenericType</c>; in a Native AOT image that type does not
/// exist unless the compiler saw it, so the runtime's type loader builds it, its generic dictionaries and
/// its interfaces from templates. Each options type needs about a dozen of them (monitor, factory, cache,
/// manager, the arrays of configure/post-configure/validate/change-token services): measured at start-up,
/// the type loader was 40 % of the CPU time before the first client was served, and closing the 12 options
/// types the host resolves took the direct start from 20 to 12 ms (bench/RESULTS.md "Cold start"). Written
/// here with the concrete type, every one of those types is compiled ahead of time. The container prefers an
/// exact registration to an open generic one, so the behaviour is the framework's: the same factory, cache
/// and change tokens, one monitor per type.
/// </remarks>
internal static class ClosedOptions
{
    public static IServiceCollection AddClosedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IServiceCollection services)
        where TOptions : class
    {
        services.AddSingleton<IOptionsFactory<TOptions>>(static sp => new OptionsFactory<TOptions>(
            sp.GetServices<IConfigureOptions<TOptions>>(),
            sp.GetServices<IPostConfigureOptions<TOptions>>(),
            sp.GetServices<IValidateOptions<TOptions>>()));
        services.AddSingleton<IOptionsMonitorCache<TOptions>>(static _ => new OptionsCache<TOptions>());
        services.AddSingleton<IOptionsMonitor<TOptions>>(static sp => new OptionsMonitor<TOptions>(
            sp.GetRequiredService<IOptionsFactory<TOptions>>(),
            sp.GetServices<IOptionsChangeTokenSource<TOptions>>(),
            sp.GetRequiredService<IOptionsMonitorCache<TOptions>>()));
        // What AddOptions() registers for IOptions<T> (an internal "unnamed" manager) does the same: the
        // default-named value, created once by the factory.
        services.AddSingleton<IOptions<TOptions>>(static sp => new OptionsManager<TOptions>(sp.GetRequiredService<IOptionsFactory<TOptions>>()));
        return services;
    }
}
