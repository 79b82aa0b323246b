namespace ChatDaemon.Interop;

public static unsafe partial class LibC
{
    // clock_gettime(2): like CLOCK_MONOTONIC but also counting suspend; the clock of
    // /proc/[pid]/stat's starttime (proc(5)). Linux 2.6.39+.
    public const int CLOCK_BOOTTIME = 7;
}
