using ChatDaemon.Chat;
using ChatDaemon.Systemd;

namespace ChatDaemon.Hosting;

/// <summary>Holds the watchdog ping back when a room is stuck (its membership lock held for over a second).</summary>
internal sealed class ChatDispatchProbe(ChatHub hub) : IWatchdogProbe
{
    public string Name => "chat rooms";

    public bool IsMakingProgress() => hub.IsResponsive(TimeSpan.FromSeconds(1));
}
