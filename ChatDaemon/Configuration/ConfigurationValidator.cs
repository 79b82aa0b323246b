using Microsoft.Extensions.Configuration;

namespace ChatDaemon.Configuration;

/// <summary>Runs every registered <see cref="IOptionsCheck"/> against a candidate configuration.</summary>
public sealed class ConfigurationValidator(IEnumerable<IOptionsCheck> checks)
{
    public IReadOnlyList<string> Validate(IConfiguration candidate) => checks.SelectMany(c => c.Check(candidate)).ToList();
}
