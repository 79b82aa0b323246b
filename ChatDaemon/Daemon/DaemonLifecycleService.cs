using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ChatDaemon.CommandLine;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>
/// Hooks the daemon session into the host's lifecycle:
/// StartedAsync runs after every hosted service's StartAsync (the server binds all listeners there),
/// so the privilege drop happens with ports below 1024 already bound, and a failure aborts
/// host startup (the exception propagates out of RunAsync); ApplicationStarted then reports
/// readiness to the waiting parent of <c>--daemon</c>.
/// </summary>
internal sealed class DaemonLifecycleService : IHostedLifecycleService
{
    private readonly DaemonSession _session;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<DaemonLifecycleService> _logger;

    public DaemonLifecycleService(DaemonSession session, IHostApplicationLifetime lifetime, ILogger<DaemonLifecycleService> logger)
    {
        _session = session;
        _lifetime = lifetime;
        _logger = logger;
        _session.Logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_session.PidFile is { } pidFile)
            DaemonLog.PidFileAcquired(_logger, pidFile.FilePath, pidFile.Pid);
        _lifetime.ApplicationStarted.Register(OnStarted);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var user = _session.CommandLine.User;
        if (user is null)
        {
            if (LibC.geteuid() == 0)
                DaemonLog.RunningAsRoot(_logger);
            return Task.CompletedTask;
        }

        try
        {
            var identity = PrivilegeDrop.Apply(user, _session.CommandLine.Group);
            DaemonLog.PrivilegesDropped(_logger, identity.User, identity.Uid, identity.Gid, PrivilegeDrop.Describe(identity.Groups));
        }
        catch (StartupException e)
        {
            DaemonLog.PrivilegeDropFailed(_logger, e.Message);
            _session.ReportStartupFailure(e);
            throw;
        }

        return Task.CompletedTask;
    }

    private void OnStarted()
    {
        if (!_session.IsDetached)
            return;
        DaemonLog.DetachedReady(_logger, Environment.ProcessId);
        _session.ReportReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
