using ChatDaemon.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Hosting;

/// <summary>
/// Keeps <see cref="ReloadAcknowledgement"/> in <c>$RUNTIME_DIRECTORY/reload-state</c> for the POSIX sh
/// <c>ExecReload=</c> (deploy/chatdaemon-reload): a shell reads a file and sends a signal in about a
/// millisecond, where starting the .NET <c>chatdaemon reload</c> client costs 50-70 ms. Written at start,
/// before READY=1, when a reload starts and when it ends (after READY=1 went to systemd, so that systemd 253+
/// never sees the script exit while the service still says RELOADING=1). Each write is a new file renamed
/// over the old one (rename(2) is atomic), so a reader sees one whole state or the previous one.
/// Without $RUNTIME_DIRECTORY (not a systemd service) nothing is written: <c>chatdaemon reload</c> serves.
/// </summary>
internal sealed class ReloadAcknowledgementFile : IReloadParticipant, IHostedService
{
    public const string FileName = "reload-state";

    private readonly string? _path;
    private readonly ILogger<ReloadAcknowledgementFile> _logger;
    private readonly Lock _gate = new();
    private ReloadAcknowledgement _state;
    private bool _failureLogged;

    public ReloadAcknowledgementFile(string? runtimeDirectory, int processId, ILogger<ReloadAcknowledgementFile> logger)
    {
        _path = string.IsNullOrEmpty(runtimeDirectory) ? null : Path.Combine(runtimeDirectory, FileName);
        _logger = logger;
        _state = ReloadAcknowledgement.Initial(processId);
    }

    /// <summary>The file's path, or null when there is no runtime directory.</summary>
    public string? FilePath => _path;

    /// <summary>The first directory of $RUNTIME_DIRECTORY (<see cref="Systemd.RuntimeDirectory.First"/>), or null.</summary>
    public static string? RuntimeDirectoryOf(string? variable) => Systemd.RuntimeDirectory.First(variable);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Write(_state);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The reloader calls these one reload at a time; the lock only orders them against StartAsync.
    public ReloadOrder Order => ReloadOrder.AcknowledgementFile;

    public void OnReloading()
    {
        lock (_gate)
        {
            _state = _state.WithReloadStarted();
            Write(_state);
        }
    }

    public void OnReloaded(ReloadOutcome outcome)
    {
        lock (_gate)
        {
            _state = _state.WithReloadCompleted(outcome);
            Write(_state);
        }
    }

    private void Write(ReloadAcknowledgement state)
    {
        if (_path is null)
        {
            return;
        }

        string temporary = _path + ".new";
        try
        {
            File.WriteAllText(temporary, state.ToLine());
            File.Move(temporary, _path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The script then waits until systemd's TimeoutStartSec= ends the reload; say why, once.
            if (!_failureLogged)
            {
                _failureLogged = true;
                HostingLog.ReloadAcknowledgementNotWritten(_logger, _path, ex);
            }
        }
    }
}
