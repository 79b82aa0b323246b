using System.Net.Sockets;
using System.Runtime.InteropServices;
using ChatDaemon.Interop;

namespace ChatDaemon.Networking.Epoll;

/// <summary>
/// One epoll(7) instance and the thread that waits on it. Connections are registered level-triggered
/// under a key of (generation, slot), not under their descriptor: an event that was already fetched
/// for a connection that has since closed cannot reach a newer connection that reuses the number.
/// Work triggered by an event runs on this thread: a receive, the reader's processing of it (the input
/// pipe schedules its reader inline) and, usually, the reply, as a C event loop like Redis does it.
/// </summary>
internal sealed unsafe class EpollLoop : IDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeKey = ulong.MaxValue;

    private readonly int _epollFd;
    private readonly int _wakeFd;
    private readonly Thread _thread;
    private readonly Action<Exception> _onFault;
    private readonly object _slotsLock = new();
    private EpollConnection?[] _slots = new EpollConnection?[256];
    private readonly Stack<int> _freeSlots = new();
    private int _nextSlot;
    private uint _generation;
    private volatile bool _stopping;

    // Dispose and the loop thread's exit agree under this lock on who still may touch the descriptors (see Dispose).
    private readonly object _descriptorsLock = new();
    private bool _disposeRequested;
    private bool _descriptorsClosed;

    // Work the handlers of this round of events deferred to its end (see DeferredWork); only this loop's thread touches it.
    private readonly List<IThreadPoolWorkItem> _deferred = new();

    private int _threadId = -1; // the managed id of the loop's thread, once it runs

    public EpollLoop(int index, Action<Exception> onFault)
    {
        _onFault = onFault;
        _epollFd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (_epollFd < 0)
        {
            throw new SocketException((int)SocketErrors.FromErrno(LibC.errno));
        }

        _wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (_wakeFd < 0 || Control(LibC.EPOLL_CTL_ADD, _wakeFd, LibC.EPOLLIN, WakeKey) != 0)
        {
            int errno = LibC.errno;
            if (_wakeFd >= 0)
            {
                LibC.close(_wakeFd);
            }

            LibC.close(_epollFd);
            throw new SocketException((int)SocketErrors.FromErrno(errno));
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"epoll-{index}" };
        _thread.UnsafeStart();
    }

    /// <summary>Gives <paramref name="connection"/> a key; events for it arrive once it is added to epoll.</summary>
    public ulong Reserve(EpollConnection connection)
    {
        lock (_slotsLock)
        {
            if (!_freeSlots.TryPop(out int slot))
            {
                slot = _nextSlot++;
                if (slot == _slots.Length)
                {
                    // Published before the descriptor is added, so the loop sees the slot when its first event comes.
                    var larger = new EpollConnection?[_slots.Length * 2];
                    Array.Copy(_slots, larger, _slots.Length);
                    Volatile.Write(ref _slots, larger);
                }
            }

            // Generation 0 never appears, so a key is never 0 and never the wake key.
            _generation = _generation == uint.MaxValue - 1 ? 1 : _generation + 1;
            _slots[slot] = connection;
            return ((ulong)_generation << 32) | (uint)slot;
        }
    }

    /// <summary>Frees the key; events still in flight for it are dropped by the key check.</summary>
    public void Release(ulong key)
    {
        int slot = (int)(uint)key;
        lock (_slotsLock)
        {
            if (_slots[slot] is { } current && current.Key == key)
            {
                _slots[slot] = null;
                _freeSlots.Push(slot);
            }
        }
    }

    /// <summary>epoll_ctl(2) for a connection's socket; 0 or an errno.</summary>
    public int Control(int op, SafeSocketHandle socket, uint events, ulong key)
    {
        byte* ev = stackalloc byte[16];
        WriteEvent(ev, events, key);
        return LibC.epoll_ctl(_epollFd, op, socket, ev) == 0 ? 0 : LibC.errno;
    }

    private int Control(int op, int fd, uint events, ulong key)
    {
        byte* ev = stackalloc byte[16];
        WriteEvent(ev, events, key);
        return LibC.epoll_ctl(_epollFd, op, fd, ev);
    }

    private static void WriteEvent(byte* ev, uint events, ulong key)
    {
        *(uint*)ev = events;
        *(ulong*)(ev + LibC.epoll_event_data_offset) = key;
    }

    private void Run()
    {
        int size = LibC.epoll_event_size;
        int dataOffset = LibC.epoll_event_data_offset;
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        Volatile.Write(ref _threadId, Environment.CurrentManagedThreadId);
        try
        {
            while (!_stopping)
            {
                int count = LibC.epoll_wait(_epollFd, events, MaxEvents, -1);
                if (count < 0)
                {
                    int errno = LibC.errno;
                    if (errno == LibC.EINTR)
                    {
                        continue;
                    }

                    _onFault(new SocketException((int)SocketErrors.FromErrno(errno)));
                    return;
                }

                for (int i = 0; i < count; i++)
                {
                    byte* ev = events + (i * size);
                    ulong key = *(ulong*)(ev + dataOffset);
                    if (key == WakeKey)
                    {
                        continue;
                    }

                    int slot = (int)(uint)key;
                    var slots = Volatile.Read(ref _slots);
                    var connection = slot < slots.Length ? slots[slot] : null;
                    if (connection is null || connection.Key != key)
                    {
                        continue;
                    }

                    try
                    {
                        connection.OnEvents(*(uint*)ev);
                    }
                    catch (Exception ex)
                    {
                        // A bug, not a client's doing: that connection goes, the loop and the others stay.
                        _onFault(ex);
                        connection.Abort(new Microsoft.AspNetCore.Connections.ConnectionAbortedException("transport fault", ex));
                    }
                }

                RunDeferred();
            }
        }
        finally
        {
            NativeMemory.Free(events);
            CloseDescriptors();
        }
    }

    /// <summary>The loop's epoll instance and wake-up eventfd, which it closes as its thread ends.</summary>
    internal (int Epoll, int Wake) Descriptors => (_epollFd, _wakeFd);

    private void CloseDescriptors()
    {
        lock (_descriptorsLock)
        {
            _descriptorsClosed = true;
            LibC.close(_wakeFd);
            LibC.close(_epollFd);
        }
    }

    /// <summary>
    /// On this loop's thread: queues <paramref name="work"/> to run once the loop has handled every event of the
    /// current round, before it waits again (as a C server writes its replies before going back to
    /// epoll_wait), and returns true. On any other thread returns false.
    /// </summary>
    public bool TryDefer(IThreadPoolWorkItem work)
    {
        if (Environment.CurrentManagedThreadId != Volatile.Read(ref _threadId))
        {
            return false;
        }

        _deferred.Add(work);
        return true;
    }

    private void RunDeferred()
    {
        // Deferred work may defer more (a send that fails may announce a departure): run until none is left.
        for (int i = 0; i < _deferred.Count; i++)
        {
            try
            {
                _deferred[i].Execute();
            }
            catch (Exception ex)
            {
                _onFault(ex);
            }
        }

        _deferred.Clear();
    }

    /// <summary>
    /// Stops the loop; its thread closes the descriptors as it ends, after its last use of them. Safe to call
    /// more than once, from any thread, the loop's own included.
    /// </summary>
    /// <remarks>
    /// A descriptor number is closed exactly once, by the only thread that uses it: close(2) frees the number
    /// at once and the next open(2), pipe(2) or socket(2) of any thread takes the lowest free number
    /// (open(2): "the lowest-numbered file descriptor not currently open"). A second close, or a wake-up
    /// written after the close, therefore hits whatever another thread opened under that number meanwhile.
    /// That happened: the service container disposes the transport once per registration resolved
    /// (IConnectionListenerFactory and IConnectionAdopter are the same object), each loop closed its two
    /// descriptors twice, and in the test suite the second close(2) took a child process's stdout pipe from a
    /// concurrent test, whose read then failed with EBADF (which .NET reports as SocketError.OperationAborted,
    /// "Operation canceled").
    /// </remarks>
    public void Dispose()
    {
        lock (_descriptorsLock)
        {
            if (_disposeRequested)
            {
                return;
            }

            _disposeRequested = true;
            if (!_descriptorsClosed)
            {
                // Written before _stopping is set: the thread cannot end, and close the eventfd, before this write.
                ulong one = 1;
                LibC.write(_wakeFd, (byte*)&one, sizeof(ulong));
            }
        }

        _stopping = true;
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(1));
        }
    }
}
