using System.Text;
using ChatDaemon.Chat;
using ChatDaemon.Configuration;
using ChatDaemon.Hosting;
using ChatDaemon.Networking;
using ChatDaemon.Tests.Systemd;
using Microsoft.Extensions.DependencyInjection;

namespace ChatDaemon.Tests.Hosting;

public sealed class ServiceStatusReporterTests
{
    private static (ServiceStatusReporter Reporter, RecordingNotifier Notifier) Create()
    {
        var notifier = new RecordingNotifier();
        var builder = ServerHost.CreateBuilder(ConfigurationInputs.Defaults with { ConfigFile = "/nonexistent/chatdaemon.json" }, new Dictionary<string, string?>());
        var services = builder.Build().Services;
        var reporter = new ServiceStatusReporter(notifier, services.GetRequiredService<ChatHub>(), services.GetRequiredService<ConnectionServer>(), TimeProvider.System);
        return (reporter, notifier);
    }

    [Fact]
    public void A_reload_is_reported_as_reloading_then_ready_with_the_status()
    {
        var (reporter, notifier) = Create();
        reporter.OnReloading();
        reporter.OnReloaded(ReloadOutcome.Success);
        Assert.StartsWith("RELOADING=1\nMONOTONIC_USEC=", notifier.Sent[0]);
        Assert.Equal("READY=1\nSTATUS=0 clients in 0 rooms, 0 messages", notifier.Sent[1]);
    }

    [Fact]
    public void A_rejected_reload_says_why_and_even_a_huge_reason_keeps_the_notification_under_systemds_limit()
    {
        var (reporter, notifier) = Create();
        reporter.OnReloaded(ReloadOutcome.Rejected("Listen: 'chat=" + new string('a', 300_000) + "': expected HOST:PORT"));

        string sent = notifier.Sent.Single();
        Assert.StartsWith("READY=1\nSTATUS=0 clients in 0 rooms, 0 messages; reload rejected: Listen: 'chat=aaa", sent);
        Assert.True(Encoding.UTF8.GetByteCount(sent) < 4096, $"{Encoding.UTF8.GetByteCount(sent)} bytes would be ignored by systemd 252");
        Assert.EndsWith("(see the log)", sent);
    }

    [Fact]
    public void The_control_status_reports_memory_in_use_while_the_systemd_status_does_not()
    {
        var (reporter, _) = Create();
        var before = GC.GetGCMemoryInfo();

        string described = reporter.Describe();

        var match = System.Text.RegularExpressions.Regex.Match(described,
            @"^0 clients in 0 rooms, 0 messages, memory (\d+) MiB resident, (\d+) MiB managed heap \((\d+) MiB committed\)$");
        Assert.True(match.Success, described);
        Assert.True(long.Parse(match.Groups[1].Value) > 0, described);
        Assert.True(long.Parse(match.Groups[3].Value) >= long.Parse(match.Groups[2].Value), described);
        Assert.True(long.Parse(match.Groups[3].Value) >= before.TotalCommittedBytes / (1024 * 1024) / 2, described);
        Assert.DoesNotContain("memory", reporter.StatusText());
    }
}
