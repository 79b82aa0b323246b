namespace ChatDaemon.Systemd;

/// <summary>
/// Sends sd_notify(3) messages to the service manager. It extends the ecosystem's abstraction,
/// Microsoft.Extensions.Hosting.Systemd's <see cref="Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier"/>
/// (the host resolves that interface to the same notifier, so code written against it works here), with
/// several assignments in one datagram. Outside a systemd service it is disabled and every call is a no-op.
/// Implementations are thread-safe and never throw into the caller.
/// </summary>
public interface ISystemdNotifier : Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier
{
    /// <summary>Sends one state.</summary>
    void Notify(ServiceState state);

    /// <summary>Sends the states together, in one datagram (assignments separated by newlines).</summary>
    void Notify(params ServiceState[] states);
}
