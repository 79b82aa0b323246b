using System.Globalization;

namespace ChatDaemon.Systemd;

/// <summary>
/// One sd_notify(3) assignment (or a few that belong together), e.g. <c>READY=1</c>. Shaped like
/// Microsoft.Extensions.Hosting.Systemd's ServiceState.
/// </summary>
public readonly struct ServiceState : IEquatable<ServiceState>
{
    private readonly string? _value;

    /// <summary>Creates a state from a raw assignment such as <c>"READY=1"</c>.</summary>
    public ServiceState(string state)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        _value = state;
    }

    /// <summary><c>READY=1</c>: start-up (or a reload) is finished.</summary>
    public static ServiceState Ready { get; } = new("READY=1");

    /// <summary><c>STOPPING=1</c>: the service is beginning its shutdown.</summary>
    public static ServiceState Stopping { get; } = new("STOPPING=1");

    /// <summary><c>WATCHDOG=1</c>: keep-alive ping for WatchdogSec= (systemd.service(5)).</summary>
    public static ServiceState Watchdog { get; } = new("WATCHDOG=1");

    /// <summary>
    /// <c>RELOADING=1</c> with <c>MONOTONIC_USEC=</c> (CLOCK_MONOTONIC in µs). systemd 253+ requires the
    /// timestamp with RELOADING=1 (sd_notify(3)); systemd 252 ignores it. Follow with <see cref="Ready"/>
    /// when the reload is done, whether it succeeded or not.
    /// </summary>
    /// <param name="clock">The clock to read; the real CLOCK_MONOTONIC when null.</param>
    public static ServiceState Reloading(IMonotonicClock? clock = null) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"RELOADING=1\nMONOTONIC_USEC={(clock ?? MonotonicClock.System).MonotonicMicroseconds}"));

    /// <summary><c>STATUS=</c>: free-form text shown by <c>systemctl status</c>. Newlines become spaces (they separate assignments).</summary>
    public static ServiceState Status(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // systemd 252 drops a whole notification of 4096 bytes or more ("Received notify message
        // exceeded maximum size"), and STATUS= often travels with READY=1: keep it well below that.
        string line = text.ReplaceLineEndings(" ");
        if (line.Length > MaxStatusLength)
        {
            line = string.Concat(line.AsSpan(0, MaxStatusLength - 1), "…");
        }

        return new("STATUS=" + line);
    }

    /// <summary>Longest STATUS= text sent, in characters (at most 3 bytes each in UTF-8, so under 4096 bytes with room for other fields).</summary>
    public const int MaxStatusLength = 1024;

    /// <summary>
    /// <c>EXTEND_TIMEOUT_USEC=</c>: asks for <paramref name="extension"/> more time from now for the
    /// current start, reload or stop (systemd 236+, sd_notify(3)). Send it again while progress is made.
    /// </summary>
    public static ServiceState ExtendTimeout(TimeSpan extension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(extension, TimeSpan.Zero);
        return new(string.Create(CultureInfo.InvariantCulture, $"EXTEND_TIMEOUT_USEC={extension.Ticks / TimeSpan.TicksPerMicrosecond}"));
    }

    /// <summary><c>ERRNO=</c>: the errno-style reason of a failure, shown by <c>systemctl status</c>.</summary>
    public static ServiceState Errno(int errno)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(errno);
        return new(string.Create(CultureInfo.InvariantCulture, $"ERRNO={errno}"));
    }

    /// <summary><c>MAINPID=</c>: tells systemd which process is the service's main process.</summary>
    public static ServiceState MainPid(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        return new(string.Create(CultureInfo.InvariantCulture, $"MAINPID={pid}"));
    }

    /// <summary>The assignment text as sent on the wire.</summary>
    public override string ToString() => _value ?? string.Empty;

    public bool Equals(ServiceState other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ServiceState other && Equals(other);

    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    public static bool operator ==(ServiceState left, ServiceState right) => left.Equals(right);

    public static bool operator !=(ServiceState left, ServiceState right) => !left.Equals(right);
}
