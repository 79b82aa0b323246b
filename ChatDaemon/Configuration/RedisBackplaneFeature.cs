using System.Diagnostics.CodeAnalysis;

namespace ChatDaemon.Configuration;

/// <summary>
/// Whether this build carries the Redis backplane. It does by default; <c>dotnet publish -p:RedisBackplane=false</c>
/// makes it false at build time, and the Native AOT compiler then leaves the Redis client out of the image
/// (measured: about 3 MB of binary and of resident memory at start, even with <c>Backplane:Kind=None</c>, because an
/// AOT image maps all its code and data however little of it runs).
/// </summary>
internal static class RedisBackplaneFeature
{
    public const string SwitchName = "ChatDaemon.Backplane.Redis.IsSupported";

    [FeatureSwitchDefinition(SwitchName)]
    public static bool IsSupported => !AppContext.TryGetSwitch(SwitchName, out bool supported) || supported;
}
