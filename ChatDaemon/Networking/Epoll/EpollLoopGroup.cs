namespace ChatDaemon.Networking.Epoll;

/// <summary>The event loops of the transport, one thread each, started on first use and given connections in turn.</summary>
internal sealed class EpollLoopGroup(int count, Action<Exception> onFault) : IDisposable
{
    private readonly object _startLock = new();
    private EpollLoop[]? _loops;
    private uint _next;

    public EpollLoop Next()
    {
        var loops = _loops ?? Start();
        return loops[(int)(Interlocked.Increment(ref _next) % (uint)loops.Length)];
    }

    private EpollLoop[] Start()
    {
        lock (_startLock)
        {
            if (_loops is null)
            {
                var loops = new EpollLoop[count];
                for (int i = 0; i < count; i++)
                {
                    loops[i] = new EpollLoop(i, onFault);
                }

                Volatile.Write(ref _loops, loops);
            }

            return _loops;
        }
    }

    public void Dispose()
    {
        foreach (var loop in _loops ?? [])
        {
            loop.Dispose();
        }
    }
}
