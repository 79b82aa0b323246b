using Microsoft.Extensions.Configuration;

namespace ChatDaemon.Configuration;

/// <summary>Binds one options type from a candidate configuration and runs its registered validators.</summary>
public interface IOptionsCheck
{
    IEnumerable<string> Check(IConfiguration candidate);
}
