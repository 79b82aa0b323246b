namespace ChatDaemon.Systemd;

/// <summary>CLOCK_MONOTONIC, the clock systemd uses for MONOTONIC_USEC= (sd_notify(3)). A test seam.</summary>
public interface IMonotonicClock
{
    /// <summary>Microseconds of CLOCK_MONOTONIC.</summary>
    long MonotonicMicroseconds { get; }
}
