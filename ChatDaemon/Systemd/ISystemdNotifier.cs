namespace ChatDaemon.Systemd;

/// <summary>
/// Sends sd_notify(3) messages to the service manager. Shaped like Microsoft.Extensions.Hosting.Systemd's
/// ISystemdNotifier. Outside a systemd service it is disabled and every call is a no-op.
/// Implementations are thread-safe and never throw into the caller.
/// </summary>
public interface ISystemdNotifier
{
    /// <summary>True when NOTIFY_SOCKET named a socket to send to.</summary>
    bool IsEnabled { get; }

    /// <summary>Sends one state.</summary>
    void Notify(ServiceState state);

    /// <summary>Sends the states together, in one datagram (assignments separated by newlines).</summary>
    void Notify(params ServiceState[] states);
}
