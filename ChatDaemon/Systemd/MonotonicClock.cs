using ChatDaemon.Interop;

namespace ChatDaemon.Systemd;

/// <summary>Reads CLOCK_MONOTONIC with clock_gettime(2), the clock systemd compares MONOTONIC_USEC= against.</summary>
public sealed class MonotonicClock : IMonotonicClock
{
    public static MonotonicClock System { get; } = new();

    private MonotonicClock()
    {
    }

    public unsafe long MonotonicMicroseconds
    {
        get
        {
            timespec now;
            if (LibC.clock_gettime(LibC.CLOCK_MONOTONIC, &now) != 0)
            {
                // CLOCK_MONOTONIC cannot fail on Linux (clock_gettime(2)); keep the contract anyway.
                throw new InvalidOperationException($"clock_gettime(CLOCK_MONOTONIC) failed with errno {LibC.errno}");
            }

            return now.tv_sec * 1_000_000 + now.tv_nsec / 1_000;
        }
    }
}
