using ChatDaemon.Networking;
using ChatDaemon.Systemd;

namespace ChatDaemon.Hosting;

/// <summary>Holds the watchdog ping back when an accept loop died while its listener should be accepting.</summary>
internal sealed class AcceptLoopProbe(ListenerSet listeners) : IWatchdogProbe
{
    public string Name => "accept loops";

    public bool IsMakingProgress() => listeners.AcceptLoopsRunning;
}
