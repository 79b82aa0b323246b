using Xunit;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// A test that needs the real-systemd container. When the machine cannot boot one it is skipped with a
/// message starting with <see cref="SkipPrefix"/>, which .ci/run treats as a failure (CI must run the suite).
/// Tests using it also carry [Trait("Category", "Systemd")].
/// </summary>
public sealed class SystemdFactAttribute : FactAttribute
{
    public const string SkipPrefix = "SYSTEMD SUITE NOT RUN: ";

    public SystemdFactAttribute()
    {
        if (SystemdPrerequisites.MissingReason is string reason)
        {
            Skip = SkipPrefix + reason;
        }
    }
}
