using System.Diagnostics.CodeAnalysis;
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
    ILogger<ConfigurationReloader> logger) : IConfigurationReloader, IDisposable
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

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Reads and validates every source as a reload does, without applying anything or telling the
    /// observers: run once after start, so that the first real reload does not pay for compiling that
    /// code (measured: about 28 ms of a first reload, against 1-2 ms for the next ones).
    /// </summary>
    public void Rehearse() => _ = TryReadCandidate(out _, out _, out _);

    private async Task<ReloadOutcome> ApplyAsync(CancellationToken cancellationToken)
    {
        if (!TryReadCandidate(out var data, out var candidate, out string? rejection))
        {
            return ReloadOutcome.Rejected(rejection);
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

    /// <summary>The configuration the sources hold now, validated with the startup rules, or why it is rejected.</summary>
    private bool TryReadCandidate(
        [NotNullWhen(true)] out Dictionary<string, string?>? data,
        [NotNullWhen(true)] out IConfiguration? candidate,
        [NotNullWhen(false)] out string? rejection)
    {
        candidate = null;
        try
        {
            data = ConfigurationLoader.Load(inputs);
        }
        catch (ConfigurationLoadException ex)
        {
            data = null;
            rejection = ex.Message;
            return false;
        }

        candidate = new ConfigurationBuilder().AddInMemoryCollection(data).Build();
        var failures = validator.Validate(candidate);
        rejection = failures.Count > 0 ? string.Join("; ", failures) : null;
        return rejection is null;
    }
}
