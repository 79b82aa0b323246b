using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Control;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Hosting;

namespace ChatDaemon.Hosting;

/// <summary>
/// Keeps <c>STATUS=</c> (what <c>systemctl status</c> shows) current: clients, rooms and messages (and the link to
/// other instances, with a backplane), at
/// most once a second and only when it changed; after a rejected reload it says why until the next
/// reload. Also tells systemd about reloads: <c>RELOADING=1</c> with <c>MONOTONIC_USEC=</c> (required
/// by systemd 253+), then <c>READY=1</c> whatever the outcome (sd_notify(3)).
/// </summary>
internal sealed class ServiceStatusReporter(
    ISystemdNotifier notifier,
    ChatHub hub,
    ConnectionServer server,
    TimeProvider time) : BackgroundService, IReloadParticipant, IControlStatusSource
{
    // systemd 252 ignores a notification of 4096 bytes or more (NOTIFY_BUFFER_MAX, "Received notify
    // message exceeded maximum size"), and READY=1 travels with the status after a reload: a reason that
    // quotes a long bad value must not make systemd miss READY=1 and leave the unit "reloading".
    internal const int MaxReasonLength = 512;

    private volatile string? _reloadRejection;
    private string _lastStatus = "";

    /// <summary>The status line as systemctl shows it.</summary>
    public string StatusText() => WithReloadRejection(Counts());

    /// <summary>
    /// The same line for <c>chatdaemon status</c> (control socket), with the memory in use: resident, the
    /// managed heap left alive by the last collection, and what the GC holds committed for it. Not in STATUS=,
    /// which would then change, and be sent to systemd, every second.
    /// </summary>
    public string Describe() => WithReloadRejection($"{Counts()}, {MemoryText()}");

    private string Counts()
    {
        int connections = server.ActiveConnections;
        int chat = hub.ClientCount;
        string text = $"{chat} clients in {hub.RoomCount} rooms, {hub.LinesRelayed} messages";
        if (connections > chat)
        {
            text += $", {connections - chat} echo";
        }

        // With a backplane: whether the other instances can be reached, and since when not (issue 16).
        if (hub.Backplane is { } backplane)
        {
            text += "; " + backplane.Describe();
        }

        return text;
    }

    private string WithReloadRejection(string text) => _reloadRejection is { } reason ? $"{text}; reload rejected: {reason}" : text;

    internal static string MemoryText()
    {
        const long MiB = 1024 * 1024;
        var gc = GC.GetGCMemoryInfo();
        return $"memory {Environment.WorkingSet / MiB} MiB resident, {gc.HeapSizeBytes / MiB} MiB managed heap ({gc.TotalCommittedBytes / MiB} MiB committed)";
    }

    public ReloadOrder Order => ReloadOrder.ServiceStatus;

    public void OnReloading() => notifier.Notify(ServiceState.Reloading(), ServiceState.Status("reloading configuration"));

    public void OnReloaded(ReloadOutcome outcome)
    {
        _reloadRejection = outcome.Applied ? null : Shorten(outcome.Error ?? "rejected");
        _lastStatus = StatusText();
        notifier.Notify(ServiceState.Ready, ServiceState.Status(_lastStatus));
    }

    private static string Shorten(string reason) =>
        reason.Length <= MaxReasonLength ? reason : string.Concat(reason.AsSpan(0, MaxReasonLength), "… (see the log)");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            string status = StatusText();
            if (status != _lastStatus)
            {
                _lastStatus = status;
                notifier.Notify(ServiceState.Status(status));
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
