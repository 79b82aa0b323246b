using ChatDaemon.Networking.Epoll;

namespace ChatDaemon.Networking;

/// <summary>Work that a protocol hands back to the transport to run soon, without a thread of its own.</summary>
public static class DeferredWork
{
    /// <summary>
    /// On an event loop of the epoll transport: runs <paramref name="work"/> on that loop once it has handled
    /// every event of the current round, so that what several clients sent in one round is answered together
    /// and without waking another thread. Elsewhere (Kestrel's transport, tests): queues it to the thread pool.
    /// </summary>
    public static void RunAfterCurrentEvents(IThreadPoolWorkItem work)
    {
        if (!EpollLoop.TryDefer(work))
        {
            ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
        }
    }
}
