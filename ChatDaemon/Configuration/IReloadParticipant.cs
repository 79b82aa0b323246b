using Microsoft.Extensions.Configuration;

namespace ChatDaemon.Configuration;

/// <summary>
/// A part of the daemon whose reload can fail after validation (binding a new listener, say).
/// The reloader prepares every participant, then commits all or rolls all back, so a reload
/// is applied entirely or not at all. Calls are serialised by the reloader.
/// </summary>
public interface IReloadParticipant
{
    /// <summary>Gets ready to apply <paramref name="candidate"/>; returns null, or why it cannot be applied.</summary>
    Task<string?> PrepareAsync(IConfiguration candidate, CancellationToken cancellationToken);

    /// <summary>Applies what was prepared; called after the candidate went live.</summary>
    Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>Undoes what was prepared; the running configuration stays.</summary>
    Task RollbackAsync(CancellationToken cancellationToken);
}
