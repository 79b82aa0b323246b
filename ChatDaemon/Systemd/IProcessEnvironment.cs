namespace ChatDaemon.Systemd;

/// <summary>
/// The process facts systemd communicates through: environment variables and our own pid.
/// A seam so detection and parsing can be tested without touching the real environment.
/// </summary>
public interface IProcessEnvironment
{
    /// <summary>The pid the service manager compares against LISTEN_PID, WATCHDOG_PID and SYSTEMD_EXEC_PID.</summary>
    int ProcessId { get; }

    /// <summary>Returns the variable's value, or null when it is not set.</summary>
    string? GetVariable(string name);

    /// <summary>Removes the variable so that child processes do not inherit it.</summary>
    void UnsetVariable(string name);
}
