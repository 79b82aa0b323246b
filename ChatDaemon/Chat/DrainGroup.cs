namespace ChatDaemon.Chat;

/// <summary>
/// Members of one broadcast whose senders were idle, woken together by one thread-pool work item
/// instead of one each: a fan-out to N members costs N/<see cref="Size"/> wake-ups and hand-offs, while
/// groups still spread a large room over every pool thread. Groups are queued in member order (FIFO), so
/// no member waits behind later broadcasts.
/// </summary>
internal sealed class DrainGroup : IThreadPoolWorkItem
{
    public const int Size = 32;

    private readonly OutboundQueue[] _queues = new OutboundQueue[Size];
    private int _count;

    /// <summary>Adds <paramref name="queue"/>, whose drain the caller owns; schedules the group and returns null once it is full.</summary>
    public static DrainGroup? Add(DrainGroup? group, OutboundQueue queue)
    {
        group ??= new DrainGroup();
        group._queues[group._count++] = queue;
        if (group._count < Size)
        {
            return group;
        }

        group.Schedule();
        return null;
    }

    public void Schedule() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute()
    {
        for (int i = 0; i < _count; i++)
        {
            _ = _queues[i].DrainAsync();
        }
    }
}
