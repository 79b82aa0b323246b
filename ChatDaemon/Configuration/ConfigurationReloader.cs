using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Configuration;

/// <summary>
/// Reload: read every source again, validate with the startup rules, prepare the participants,
/// then swap the snapshot (which updates every <c>IOptionsMonitor</c>) and commit; on any failure
/// the running configuration stays and the reason is reported.
/// </summary>
public sealed class ConfigurationReloader(
    ConfigurationInputs inputs,
    SnapshotConfigurationProvider snapshot,
    ConfigurationValidator validator,
    IEnumerable<IReloadParticipant> participants,
    IEnumerable<IReloadObserver> observers,
    ILogger<ConfigurationReloader> logger) : IConfigurationReloader
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IReadOnlyList<IReloadParticipant> _participants = participants.ToList();
    private readonly IReadOnlyList<IReloadObserver> _observers = observers.ToList();

    public async Task<ReloadOutcome> ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConfigurationLog.ReloadStarted(logger);
            foreach (var observer in _observers)
            {
                observer.OnReloading();
            }

            ReloadOutcome outcome = await ApplyAsync(cancellationToken).ConfigureAwait(false);
            if (outcome.Applied)
            {
                ConfigurationLog.ReloadApplied(logger);
            }
            else
            {
                ConfigurationLog.ReloadRejected(logger, outcome.Error!);
            }

            foreach (var observer in _observers)
            {
                observer.OnReloaded(outcome);
            }

            return outcome;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ReloadOutcome> ApplyAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, string?> data;
        try
        {
            data = ConfigurationLoader.Load(inputs);
        }
        catch (ConfigurationLoadException ex)
        {
            return ReloadOutcome.Rejected(ex.Message);
        }

        var candidate = new ConfigurationBuilder().AddInMemoryCollection(data).Build();
        var failures = validator.Validate(candidate);
        if (failures.Count > 0)
        {
            return ReloadOutcome.Rejected(string.Join("; ", failures));
        }

        var prepared = new List<IReloadParticipant>();
        foreach (var participant in _participants)
        {
            string? reason;
            try
            {
                reason = await participant.PrepareAsync(candidate, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                reason = ex.Message;
            }

            if (reason is not null)
            {
                foreach (var done in prepared)
                {
                    await done.RollbackAsync(cancellationToken).ConfigureAwait(false);
                }

                await participant.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return ReloadOutcome.Rejected(reason);
            }

            prepared.Add(participant);
        }

        snapshot.Replace(data);
        foreach (var participant in prepared)
        {
            await participant.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return ReloadOutcome.Success;
    }
}
