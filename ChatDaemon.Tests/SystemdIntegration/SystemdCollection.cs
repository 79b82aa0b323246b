using Xunit;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>All real-systemd tests share one booted container, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SystemdCollection : ICollectionFixture<SystemdContainer>
{
    public const string Name = "systemd container";
}
