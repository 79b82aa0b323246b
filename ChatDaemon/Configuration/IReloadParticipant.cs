using Microsoft.Extensions.Configuration;

namespace ChatDaemon.Configuration;

/// <summary>
/// The one way a component takes a configuration reload, unless it reads its options through
/// <c>IOptionsMonitor</c> (which follows the snapshot swap on its own). <see cref="ConfigurationReloader"/>
/// calls every participant in <see cref="Order"/>: <see cref="OnReloading"/>, then
/// <see cref="PrepareAsync"/> for each; if all are ready the candidate goes live and each is committed,
/// otherwise the prepared ones are rolled back and nothing is applied; finally <see cref="OnReloaded"/>.
/// Calls are serialised by the reloader. Every member has a do-nothing default, so a participant
/// implements only the phases it needs.
/// </summary>
public interface IReloadParticipant
{
    /// <summary>Where this participant runs among the others.</summary>
    ReloadOrder Order { get; }

    /// <summary>A reload started (before anything is read).</summary>
    void OnReloading()
    {
    }

    /// <summary>Gets ready to apply <paramref name="candidate"/>; returns null, or why it cannot be applied.</summary>
    Task<string?> PrepareAsync(IConfiguration candidate, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Applies what was prepared; called after the candidate went live.</summary>
    Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Undoes what was prepared; the running configuration stays.</summary>
    Task RollbackAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The reload ended, applied or rejected.</summary>
    void OnReloaded(ReloadOutcome outcome)
    {
    }
}
