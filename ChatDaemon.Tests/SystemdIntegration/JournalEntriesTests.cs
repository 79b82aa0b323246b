using System.Globalization;
using Xunit;
using Xunit.Abstractions;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// The daemon's entries in the real systemd-journald 252 of the container, read back the way users
/// read them: <c>journalctl -u chatdaemon</c> with priority and field filters, <c>-o json --all</c>
/// (without --all journalctl prints values over 4096 bytes as null, journalctl(1)).
/// </summary>
[Collection(SystemdCollection.Name)]
[Trait("Category", "Systemd")]
public sealed class JournalEntriesTests(SystemdContainer container, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan JournalTimeout = TimeSpan.FromSeconds(15);
    private readonly ChatDaemonUnits _units = new(container);

    public async Task InitializeAsync()
    {
        if (SystemdPrerequisites.MissingReason is null)
        {
            await _units.ResetAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (SystemdPrerequisites.MissingReason is null && container.SystemdPid != 0)
        {
            await _units.SystemctlAsync("stop", ChatDaemonUnits.Service);
        }
    }

    [SystemdFact]
    public async Task Priority_warning_returns_the_limit_warning_and_the_rejected_reload_but_not_the_information_lines()
    {
        using LineClient client = await ConnectChatAsync();
        string invocation = await _units.ShowAsync("InvocationID");
        await SendOverlongLineAsync(client);
        await _units.WriteConfigAsync("""{ "Limits": { "MaxLineBytes": -5 } }""");
        Assert.NotEqual(0, (await _units.SystemctlAsync("reload", ChatDaemonUnits.Service)).ExitCode);

        List<JournalRecord> warnings = await WaitForEntriesAsync(
            entries => entries.Any(e => e["EVENT_NAME"] == "LineTooLong") && entries.Any(e => e["EVENT_NAME"] == "ReloadRejected"),
            "-u", ChatDaemonUnits.Service, "-p", "warning", $"_SYSTEMD_INVOCATION_ID={invocation}");
        List<JournalRecord> everything = await QueryAsync("-u", ChatDaemonUnits.Service, $"_SYSTEMD_INVOCATION_ID={invocation}");

        // Without the filter the information lines are there; with it they are not.
        Assert.Contains(everything, e => e["EVENT_NAME"] == "Ready" && e["PRIORITY"] == "6");
        Assert.DoesNotContain(warnings, e => e["EVENT_NAME"] == "Ready");
        Assert.All(warnings, e => Assert.InRange(int.Parse(e["PRIORITY"]!), 0, 4));
        Assert.True(everything.Count > warnings.Count);

        JournalRecord lineTooLong = Assert.Single(warnings, e => e["EVENT_NAME"] == "LineTooLong");
        Assert.Equal("4", lineTooLong["PRIORITY"]);
        Assert.Equal("202", lineTooLong["EVENT_ID"]);
        Assert.Equal("chatdaemon", lineTooLong["SYSLOG_IDENTIFIER"]);
        Assert.Equal("3", lineTooLong["SYSLOG_FACILITY"]);
        Assert.Equal("4096", lineTooLong["MAX_LINE_BYTES"]);
        Assert.Equal("ChatDaemon.Chat.Line.LineSession", lineTooLong["LOGGER"]);
        JournalRecord rejected = Assert.Single(warnings, e => e["EVENT_NAME"] == "ReloadRejected");
        Assert.Equal("3", rejected["PRIORITY"]);
        Assert.Equal("702", rejected["EVENT_ID"]);
        Assert.Contains("MaxLineBytes", rejected["MESSAGE"]);
    }

    [SystemdFact]
    public async Task A_field_query_returns_the_entries_of_one_client_and_none_of_another()
    {
        // Debug adds the connection's own events (opened, joined, nick changed) to the limit warning.
        await _units.WriteConfigAsync("""{ "Logging": { "MinimumLevel": { "Default": "Debug" } } }""");
        using LineClient alice = await ConnectChatAsync("alice");
        using LineClient bob = await ConnectChatAsync("bob");
        string invocation = await _units.ShowAsync("InvocationID");
        await SendOverlongLineAsync(alice);
        await SendOverlongLineAsync(bob);
        string aliceEndPoint = alice.LocalEndPoint.ToString();
        string bobEndPoint = bob.LocalEndPoint.ToString();

        string thisRun = $"_SYSTEMD_INVOCATION_ID={invocation}";
        List<JournalRecord> byNick = await WaitForEntriesAsync(entries => entries.Any(e => e["EVENT_NAME"] == "LineTooLong"),
            "-u", ChatDaemonUnits.Service, "NICK=alice", thisRun);
        List<JournalRecord> bobs = await WaitForEntriesAsync(entries => entries.Any(e => e["EVENT_NAME"] == "LineTooLong"),
            "-u", ChatDaemonUnits.Service, "NICK=bob", thisRun);

        JournalRecord aliceWarning = Assert.Single(byNick, e => e["EVENT_NAME"] == "LineTooLong");
        Assert.Equal(aliceEndPoint, aliceWarning["REMOTE_END_POINT"]);
        Assert.Equal("chatdaemon", aliceWarning["SYSLOG_IDENTIFIER"]);
        Assert.All(byNick, e => Assert.Equal("alice", e["NICK"]));
        Assert.All(byNick, e => Assert.Equal(aliceEndPoint, e["REMOTE_END_POINT"]));
        string aliceConnection = aliceWarning["CONNECTION_ID"] ?? throw new Xunit.Sdk.XunitException("no CONNECTION_ID: " + aliceWarning);
        JournalRecord bobWarning = Assert.Single(bobs, e => e["EVENT_NAME"] == "LineTooLong");
        Assert.Equal(bobEndPoint, bobWarning["REMOTE_END_POINT"]);
        Assert.NotEqual(aliceConnection, bobWarning["CONNECTION_ID"]);

        // One connection: everything logged while serving it, and only that.
        List<JournalRecord> byConnection = await QueryAsync("-u", ChatDaemonUnits.Service, $"CONNECTION_ID={aliceConnection}", thisRun);
        foreach (JournalRecord e in byConnection)
        {
            output.WriteLine($"CONNECTION_ID={aliceConnection}: {e["EVENT_NAME"]} NICK={e["NICK"]} REMOTE_END_POINT={e["REMOTE_END_POINT"]} {e["MESSAGE"]}");
        }

        Assert.Contains(byConnection, e => e["EVENT_NAME"] == "LineTooLong" && e["NICK"] == "alice");
        Assert.Contains(byConnection, e => e["EVENT_NAME"] == "NickChanged" && e["NICK"] == "alice");
        Assert.All(byConnection, e => Assert.Equal(aliceEndPoint, e["REMOTE_END_POINT"]));
        Assert.DoesNotContain(byConnection, e => e["NICK"] == "bob");

        List<JournalRecord> byEndPoint = await QueryAsync("-u", ChatDaemonUnits.Service, $"REMOTE_END_POINT={bobEndPoint}", thisRun);
        Assert.Contains(byEndPoint, e => e["EVENT_NAME"] == "LineTooLong" && e["NICK"] == "bob");
        Assert.All(byEndPoint, e => Assert.Equal(bobWarning["CONNECTION_ID"], e["CONNECTION_ID"]));
    }

    [SystemdFact]
    public async Task A_multi_line_exception_is_one_entry_holding_every_line()
    {
        string marker = Guid.NewGuid().ToString("N");
        string expectedTextFile = SuiteNames.RunFile($"journal-exception-{marker}.txt");

        await RunProbeAsync(marker, "exception", marker, expectedTextFile);
        string exceptionText = (await container.ExecAsync("cat", expectedTextFile)).EnsureSuccess().Output;
        Assert.True(exceptionText.Split('\n').Length >= 6, exceptionText); // two messages of two lines, a stack trace

        JournalRecord entry = Assert.Single(await WaitForEntriesAsync(entries => entries.Count > 0, $"MARKER={marker}"));
        Assert.Equal($"Probe {marker} failed unexpectedly\n{exceptionText}", entry["MESSAGE"]);
        Assert.Equal(exceptionText, entry["EXCEPTION"]);
        Assert.Equal("System.IO.IOException", entry["EXCEPTION_TYPE"]);
        Assert.Equal($"outer failure {marker}\nsecond line of the outer message", entry["EXCEPTION_MESSAGE"]);
        Assert.Equal("3", entry["PRIORITY"]);
        Assert.Equal("chatdaemon", entry["SYSLOG_IDENTIFIER"]);
        Assert.Equal("9001", entry["EVENT_ID"]);
        Assert.Equal("JournalProbeFailed", entry["EVENT_NAME"]);

        // Nothing else the process sent (native or stdout/stderr) carries a piece of the exception.
        List<JournalRecord> fromProcess = await QueryAsync($"_PID={entry["_PID"]}");
        Assert.Single(fromProcess, e => e["MESSAGE"]?.Contains("second line of the inner message") == true);
    }

    [SystemdFact]
    public async Task An_entry_bigger_than_a_datagram_arrives_whole()
    {
        // The sink asks for an 8 MiB SO_SNDBUF, which the kernel caps at net.core.wmem_max and then
        // doubles (socket(7)); a bigger datagram fails with EMSGSIZE and the entry goes through a sealed
        // memfd instead (systemd.journal-fields(7) "native protocol"). The payload is over that limit.
        int wmemMax = int.Parse((await container.ExecAsync("cat", "/proc/sys/net/core/wmem_max")).EnsureSuccess().Output.Trim());
        int datagramLimit = 2 * Math.Min(8 * 1024 * 1024, wmemMax);
        int length = datagramLimit + 100_000;
        string marker = Guid.NewGuid().ToString("N");

        await RunProbeAsync(marker, "large", marker, length.ToString(CultureInfo.InvariantCulture));

        JournalRecord entry = Assert.Single(await WaitForEntriesAsync(entries => entries.Count > 0, $"MARKER={marker}"));
        string payload = JournalProbe.Payload(length);
        string message = entry["MESSAGE"]!;
        output.WriteLine($"MESSAGE of {message.Length} bytes; datagram limit {datagramLimit} bytes (net.core.wmem_max {wmemMax})");
        Assert.True(message == $"Probe {marker} carries {payload}", $"MESSAGE differs: {message.Length} characters, {payload.Length} expected in it");
        Assert.True(entry["PAYLOAD"] == payload, $"PAYLOAD differs: {entry["PAYLOAD"]?.Length} characters, {payload.Length} expected");
        Assert.Equal("4", entry["PRIORITY"]);
        Assert.Equal("chatdaemon", entry["SYSLOG_IDENTIFIER"]);
        Assert.Equal("9002", entry["EVENT_ID"]);
        Assert.Equal("JournalProbeLargeEntry", entry["EVENT_NAME"]);
    }

    /// <summary>Runs <see cref="JournalProbe"/> as a transient service and waits for it to exit.</summary>
    private async Task RunProbeAsync(string marker, params string[] arguments)
    {
        CommandResult run = await container.ExecAsync(["systemd-run", $"--unit={SuiteNames.Unit("journal-probe-" + marker[..12])}",
            "--wait", "--collect", "--quiet", "-p", "Environment=DOTNET_NOLOGO=1 DOTNET_EnableDiagnostics=0",
            "/usr/bin/dotnet", "exec", typeof(JournalProbe).Assembly.Location, JournalProbe.Mode, .. arguments]);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private async Task<LineClient> ConnectChatAsync(string? nick = null)
    {
        LineClient client = await LineClient.ConnectAsync(_units.ChatPort, readGreeting: false);
        await client.ReadUntilAsync(line => line.StartsWith("* you are "));
        if (nick is not null)
        {
            await client.SendAsync("/nick " + nick);
            await client.ReadUntilAsync(line => line == $"* you are now known as {nick}");
        }

        return client;
    }

    /// <summary>A line over the default Limits:MaxLineBytes (4096), answered with an error while the connection stays.</summary>
    private static async Task SendOverlongLineAsync(LineClient client)
    {
        await client.SendAsync(new string('x', 5000));
        await client.ReadUntilAsync(line => line.StartsWith("! line too long"));
    }

    private async Task<List<JournalRecord>> QueryAsync(params string[] arguments)
    {
        CommandResult journal = (await container.ExecAsync(["journalctl", "--no-pager", "-o", "json", "--all", .. arguments])).EnsureSuccess();
        return JournalRecord.Parse(journal.Output);
    }

    /// <summary>journald stores what it receives a moment later; polls the query until the entries are there.</summary>
    private async Task<List<JournalRecord>> WaitForEntriesAsync(Func<List<JournalRecord>, bool> complete, params string[] arguments)
    {
        var deadline = DateTime.UtcNow + JournalTimeout;
        while (true)
        {
            List<JournalRecord> entries = await QueryAsync(arguments);
            if (complete(entries))
            {
                return entries;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"journalctl {string.Join(' ', arguments)} did not return the expected entries:\n"
                    + string.Join('\n', entries));
            }

            await Task.Delay(100);
        }
    }
}
