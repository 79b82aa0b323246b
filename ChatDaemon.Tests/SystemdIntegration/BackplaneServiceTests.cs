using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// The hardened unit with the shipped backplane drop-in (deploy/backplane.conf) under the real systemd 252,
/// against a redis-server of the test's own: the daemon reaches Redis, says so in its status, and a restart
/// that keeps its clients keeps their nicks.
/// </summary>
[Collection(SystemdCollection.Name)]
[Trait("Category", "Systemd")]
public sealed partial class BackplaneServiceTests(SystemdContainer container, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ChatDaemonUnits _units = new(container);
    private RedisServer? _redis;

    public async Task InitializeAsync()
    {
        if (SystemdPrerequisites.MissingReason is null)
        {
            await _units.ResetAsync();
            _redis = await RedisServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (SystemdPrerequisites.MissingReason is null && container.SystemdPid != 0)
        {
            CommandResult journal = await container.ExecAsync("journalctl", "-u", ChatDaemonUnits.Service, "-n", "40", "--no-pager", "-o", "short-monotonic");
            output.WriteLine(journal.Output);
            await _units.SystemctlAsync("stop", ChatDaemonUnits.Service);
        }

        _redis?.Dispose();
    }

    [SystemdFact]
    public async Task With_the_shipped_drop_in_the_hardened_unit_reaches_redis_shows_the_link_and_a_restart_keeps_the_nicks()
    {
        string dropIn = File.ReadAllText(Path.Combine(SystemdContainer.RepositoryRoot, "deploy", "backplane.conf"));
        await _units.OverrideServiceAsync(dropIn.Replace("[Service]\n", "", StringComparison.Ordinal));
        await _units.WriteConfigAsync($$"""
            { "Backplane": { "Kind": "Redis", "Redis": { "Endpoints": [ "{{_redis!.Endpoint}}" ], "InstanceId": "unit" } } }
            """);

        using LineClient alice = await LineClient.ConnectAsync(_units.ChatPort, readGreeting: false);
        await alice.ReadUntilAsync(line => line.StartsWith("* you are ", StringComparison.Ordinal));
        await alice.SendAsync("/nick alice");
        await alice.ReadUntilAsync(line => line == "* you are now known as alice", TimeSpan.FromSeconds(10));
        Assert.Equal("unit", await _redis.QueryAsync("GET chatdaemon:nick:alice"));

        string status = await _units.WaitForPropertyAsync("StatusText", text => text.Contains("backplane: linked through Redis", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        output.WriteLine($"StatusText={status}");

        // The drop-in costs some of the unit's hardening: measured, and kept at most OK.
        CommandResult security = (await container.ExecAsync("systemd-analyze", "security", "--no-pager", ChatDaemonUnits.Service)).EnsureSuccess();
        Match overall = OverallExposure().Match(security.Output);
        Assert.True(overall.Success, security.ToString());
        output.WriteLine($"systemd-analyze security with backplane.conf: {overall.Groups["exposure"].Value} {overall.Groups["rating"].Value}");
        Assert.InRange(double.Parse(overall.Groups["exposure"].Value, CultureInfo.InvariantCulture), 0.0, 2.0);

        // A restart hands alice over: same instance id, so her nick stays hers and she is told one line.
        string mainPid = await _units.ShowAsync("MainPID");
        (await _units.SystemctlAsync("restart", ChatDaemonUnits.Service)).EnsureSuccess();
        Assert.NotEqual(mainPid, await _units.ShowAsync("MainPID"));
        await alice.ReadUntilAsync(line => line == "* server restarted", TimeSpan.FromSeconds(20));
        Assert.Equal("unit", await _redis.QueryAsync("GET chatdaemon:nick:alice"));
        await alice.SendAsync("/who");
        Assert.Equal("* in lobby: alice", await alice.ReadUntilAsync(line => line.StartsWith("* in lobby", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(alice.Received, line => line.Contains("is now known as guest-", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"Overall exposure level for chatdaemon\.service: (?<exposure>\d+(\.\d+)?) (?<rating>\w+)")]
    private static partial Regex OverallExposure();
}
