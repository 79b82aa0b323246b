using ChatDaemon.Interop;

namespace ChatDaemon.Systemd;

/// <summary>The real process environment.</summary>
public sealed class ProcessEnvironment : IProcessEnvironment
{
    public static ProcessEnvironment Instance { get; } = new();

    private ProcessEnvironment()
    {
    }

    public int ProcessId => Environment.ProcessId;

    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

    public void UnsetVariable(string name)
    {
        // .NET keeps its own copy of the environment (used by Process.Start); native code and
        // exec(3) use libc's environ. Clear both, like sd_notify(3)'s unset_environment does.
        Environment.SetEnvironmentVariable(name, null);
        LibC.unsetenv(name);
    }
}
