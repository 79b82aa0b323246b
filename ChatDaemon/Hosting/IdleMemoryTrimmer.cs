using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Hosting;

/// <summary>
/// Gives back to the OS the memory the garbage collector keeps committed after a burst of work (thousands of
/// clients connecting and joining rooms) once the daemon has gone quiet. The GC returns free regions only while
/// it collects, and a daemon holding idle connections allocates nothing, so without this the RSS stays at the
/// burst's peak for as long as the connections stay idle (measured: 19,000 idle clients, 144 MiB of live objects,
/// 275 MiB committed; bench/ANALYSIS.md "Idle connections"). Once trimmed, nothing more happens until the GC
/// has collected again, so a quiet daemon pays for one full collection per burst (about 150 ms at 100 MiB live). The same idea as the JVM's periodic G1 collection
/// while idle (JEP 346).
/// </summary>
internal sealed class IdleMemoryTrimmer(TimeProvider time, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    /// <summary>
    /// How long no collection may have happened before the process counts as quiet. A busy daemon collects gen0
    /// many times a second, so it is never trimmed; the trim itself is one blocking full collection.
    /// </summary>
    internal static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(30);

    /// <summary>Committed memory beyond the live heap that is not worth a full collection.</summary>
    internal const long MinimumSurplusBytes = 16L * 1024 * 1024;

    /// <summary>
    /// True when a full collection would give back enough: either the memory committed at the last collection
    /// exceeds the heap it left by at least <see cref="MinimumSurplusBytes"/> and an eighth of the heap, or the
    /// heap grew by as much (and by a quarter) since the last full collection, so that the objects a burst
    /// left behind in gen2 may be dead (measured: 114 MiB heap, 99 MiB of it alive, after 19,000 clients came).
    /// A large heap is not compacted for a small gain.
    /// </summary>
    internal static bool IsWorthTrimming(long committedBytes, long heapSizeBytes, long heapAfterLastFullCollectionBytes)
    {
        long surplus = committedBytes - heapSizeBytes;
        if (surplus >= MinimumSurplusBytes && surplus >= heapSizeBytes / 8)
        {
            return true;
        }

        long growth = heapSizeBytes - heapAfterLastFullCollectionBytes;
        return growth >= MinimumSurplusBytes && growth >= heapAfterLastFullCollectionBytes / 4;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(QuietInterval, time);
        int collections = GC.CollectionCount(0);
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            int now = GC.CollectionCount(0);
            if (now == collections)
            {
                TrimIfWorthIt();
            }

            collections = GC.CollectionCount(0);
        }
    }

    private void TrimIfWorthIt()
    {
        var before = GC.GetGCMemoryInfo();
        long lastFull = GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
        if (!IsWorthTrimming(before.TotalCommittedBytes, before.HeapSizeBytes, lastFull))
        {
            return;
        }

        // GCCollectionMode.Aggressive (.NET 7+) decommits the free regions and resets the gen0 budget; a
        // forced or optimized collection would leave them committed for the next allocations.
        long started = time.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo();
        HostingLog.IdleMemoryTrimmed(
            logger,
            before.TotalCommittedBytes / (1024 * 1024),
            after.TotalCommittedBytes / (1024 * 1024),
            after.HeapSizeBytes / (1024 * 1024),
            (long)time.GetElapsedTime(started).TotalMilliseconds);
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
