using System.Globalization;
using ChatDaemon.Interop;

namespace ChatDaemon.Hosting;

/// <summary>
/// Time since this process was exec'd, for the start-up time in the Ready log line. Reads
/// /proc/self/stat itself instead of using System.Diagnostics.Process, whose first use loads two
/// more assemblies and took several milliseconds of the cold start.
/// </summary>
internal static class ProcessAge
{
    // proc(5): starttime (field 22) is in clock ticks; USER_HZ is 100 on every Linux architecture
    // .NET runs on (sysconf(_SC_CLK_TCK)), so one tick is 10 ms.
    private const long MillisecondsPerTick = 10;

    /// <summary>Milliseconds since exec, or -1 when /proc/self/stat cannot be read.</summary>
    public static unsafe long Milliseconds()
    {
        long startTicks = StartTicks();
        timespec now;
        if (startTicks < 0 || LibC.clock_gettime(LibC.CLOCK_BOOTTIME, &now) != 0)
        {
            return -1;
        }

        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000 - startTicks * MillisecondsPerTick;
    }

    private static long StartTicks()
    {
        string stat;
        try
        {
            stat = File.ReadAllText("/proc/self/stat");
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }

        // The command name (field 2) is in parentheses and may contain spaces and ')': fields are
        // counted after the last ')'. starttime is then the 20th field (22 - 2).
        var fields = stat.AsSpan(stat.LastIndexOf(')') + 1).Trim();
        int index = 0;
        foreach (var range in fields.Split(' '))
        {
            if (++index == 20)
            {
                return long.TryParse(fields[range], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks : -1;
            }
        }

        return -1;
    }
}
