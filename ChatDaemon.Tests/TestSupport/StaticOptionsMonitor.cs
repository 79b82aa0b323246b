using Microsoft.Extensions.Options;

namespace ChatDaemon.Tests.TestSupport;

/// <summary>Options that never change, for components built without a host.</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
