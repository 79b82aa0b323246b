namespace ChatDaemon.Logging;

// Counts events a sink had to drop instead of blocking the caller; the sink takes the count when
// the drops stop and reports it once as an event.
internal sealed class DropCounter
{
    private long _dropped;

    public long Pending => Volatile.Read(ref _dropped);

    public void Add() => Interlocked.Increment(ref _dropped);

    // Returns the drops since the last call and resets the count.
    public long Take() => Interlocked.Exchange(ref _dropped, 0);
}
