using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatDaemon.Tests.Systemd;

public sealed class ServiceJobClassificationTests
{
    [Theory]
    [InlineData("stop", ServiceJob.Stop)]
    [InlineData("restart", ServiceJob.Restart)]
    [InlineData("try-restart", ServiceJob.Restart)]
    [InlineData("start", ServiceJob.Other)]
    [InlineData("reload", ServiceJob.Other)]
    public void Systemds_job_types_map_to_what_the_daemon_does(string jobType, ServiceJob expected) =>
        Assert.Equal(expected, ServiceManagerQuery.Classify(jobType));

    [Fact]
    public async Task Without_a_bus_to_ask_the_job_is_unknown_and_nothing_throws()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"chatdaemon-no-bus-{Guid.NewGuid():N}");
        var query = new ServiceManagerQuery(NullLogger<ServiceManagerQuery>.Instance) { BusAddress = $"unix:path={missing}" };
        Assert.Equal(ServiceJob.Unknown, await query.GetJobAsync(TimeSpan.FromSeconds(5)));
    }
}
