using ChatDaemon.Systemd;

namespace ChatDaemon.Tests.Systemd;

/// <summary>An enabled notifier that records what it was asked to send.</summary>
internal sealed class RecordingNotifier : ISystemdNotifier
{
    private readonly Lock _lock = new();
    private readonly List<string> _sent = [];

    public bool IsEnabled => true;

    public IReadOnlyList<string> Sent
    {
        get
        {
            lock (_lock)
            {
                return _sent.ToArray();
            }
        }
    }

    public void Notify(ServiceState state) => Notify([state]);

    void Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier.Notify(Microsoft.Extensions.Hosting.Systemd.ServiceState state) =>
        Notify(new ServiceState(state.ToString()));

    public void Notify(params ServiceState[] states)
    {
        lock (_lock)
        {
            _sent.Add(string.Join('\n', states));
        }
    }
}
