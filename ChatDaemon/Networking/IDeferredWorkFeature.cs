namespace ChatDaemon.Networking;

/// <summary>
/// A transport that runs its connections on event loops lets a protocol hand work back to the loop of the
/// connection it is serving: work that answers what several clients sent in one round of events, run once
/// the round is handled, without waking another thread.
/// </summary>
public interface IDeferredWorkFeature
{
    /// <summary>
    /// On this connection's event loop thread: queues <paramref name="work"/> to run once the loop has handled
    /// every event of its current round, and returns true. On any other thread returns false (the caller
    /// runs the work elsewhere).
    /// </summary>
    bool TryRunAfterCurrentEvents(IThreadPoolWorkItem work);
}
