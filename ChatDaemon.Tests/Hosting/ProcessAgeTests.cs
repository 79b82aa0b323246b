using System.Diagnostics;
using ChatDaemon.Hosting;
using Xunit;

namespace ChatDaemon.Tests.Hosting;

public class ProcessAgeTests
{
    [Fact]
    public void Process_age_agrees_with_the_start_time_the_runtime_reports()
    {
        long before = (long)(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        long age = ProcessAge.Milliseconds();
        long after = (long)(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

        // Both read starttime from /proc/self/stat in clock ticks of 10 ms (proc(5)); they differ in the
        // clock they subtract it from (CLOCK_BOOTTIME here, the wall clock there), so allow two ticks.
        Assert.InRange(age, before - 20, after + 20);
    }

    [Fact]
    public void Process_age_grows_with_time()
    {
        long first = ProcessAge.Milliseconds();
        Thread.Sleep(50);
        long second = ProcessAge.Milliseconds();

        Assert.True(first >= 0, $"age {first} ms");
        Assert.InRange(second - first, 40, 5_000);
    }
}
