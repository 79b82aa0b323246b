using Microsoft.Extensions.Hosting;

namespace ChatDaemon.Systemd;

/// <summary>Shaped like Microsoft.Extensions.Hosting.Systemd's UseSystemd().</summary>
public static class SystemdHostBuilderExtensions
{
    /// <summary>Adds the systemd integration; see <see cref="SystemdServiceCollectionExtensions.AddSystemdService(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>.</summary>
    public static IHostBuilder UseSystemd(this IHostBuilder hostBuilder)
    {
        ArgumentNullException.ThrowIfNull(hostBuilder);
        return hostBuilder.ConfigureServices((_, services) => services.AddSystemdService());
    }
}
