using ChatDaemon.Systemd;

namespace ChatDaemon.Tests.Systemd;

/// <summary>An in-memory environment with a chosen pid; records what was unset.</summary>
internal sealed class FakeProcessEnvironment(int processId = 4242) : IProcessEnvironment
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public int ProcessId { get; } = processId;

    public List<string> Unset { get; } = [];

    public FakeProcessEnvironment With(string name, string value)
    {
        _variables[name] = value;
        return this;
    }

    public string? GetVariable(string name) => _variables.GetValueOrDefault(name);

    public void UnsetVariable(string name)
    {
        _variables.Remove(name);
        Unset.Add(name);
    }
}
