using Microsoft.Extensions.Configuration;

namespace ChatDaemon.Configuration;

/// <summary>
/// A configuration source serving a snapshot that <see cref="ConfigurationReloader"/> replaces
/// atomically; replacing it fires the reload token, which is what <c>IOptionsMonitor</c> listens to.
/// </summary>
public sealed class SnapshotConfigurationSource(IDictionary<string, string?> initial) : IConfigurationSource
{
    public SnapshotConfigurationProvider Provider { get; } = new(initial);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
}

public sealed class SnapshotConfigurationProvider : ConfigurationProvider
{
    internal SnapshotConfigurationProvider(IDictionary<string, string?> initial)
    {
        Data = new Dictionary<string, string?>(initial, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The configuration being served now.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Current => Data;

    public void Replace(IDictionary<string, string?> snapshot)
    {
        Data = new Dictionary<string, string?>(snapshot, StringComparer.OrdinalIgnoreCase);
        OnReload();
    }
}
