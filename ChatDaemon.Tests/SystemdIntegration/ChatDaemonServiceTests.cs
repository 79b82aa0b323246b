using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// The installed chatdaemon under the real systemd 252, driven the way an administrator does
/// (systemctl, journalctl) and used the way users do (line clients over loopback).
/// </summary>
[Collection(SystemdCollection.Name)]
[Trait("Category", "Systemd")]
public sealed partial class ChatDaemonServiceTests(SystemdContainer container, ITestOutputHelper output) : IAsyncLifetime
{
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
            CommandResult journal = await container.ExecAsync("journalctl", "-u", ChatDaemonUnits.Service, "-n", "40", "--no-pager", "-o", "short-monotonic");
            output.WriteLine(journal.Output);
            await _units.SystemctlAsync("stop", ChatDaemonUnits.Service);
        }
    }

    /// <summary>
    /// A newcomer is greeted with <paramref name="greeting"/> (when given) and hears what
    /// <paramref name="member"/>, connected before, says: the daemon still serves both.
    /// </summary>
    private async Task AssertServesAsync(LineClient member, string? greeting, string message)
    {
        using LineClient newcomer = await ConnectChatAsync();
        if (greeting is not null)
        {
            Assert.Contains(greeting, newcomer.Received);
        }

        await member.SendAsync(message);
        await newcomer.ReadUntilAsync(line => line.EndsWith("> " + message));
    }

    private async Task<LineClient> ConnectChatAsync()
    {
        LineClient client = await LineClient.ConnectAsync(_units.ChatPort, readGreeting: false);
        await client.ReadUntilAsync(line => line.StartsWith("* you are "));
        return client;
    }

    [SystemdFact]
    public async Task The_first_connection_starts_the_daemon_which_greets_it_and_shows_live_counts_in_its_status()
    {
        Assert.Equal("inactive", await _units.ShowAsync("ActiveState"));

        using LineClient first = await LineClient.ConnectAsync(_units.ChatPort, readGreeting: false);
        string greeting = await first.ReadUntilAsync(line => line.StartsWith("* you are "));
        Assert.Matches(@"^\* you are guest-\d+ in room lobby$", greeting);
        Assert.StartsWith("* Welcome", first.Received[0]);

        // The first client can be greeted a moment before systemd has processed READY=1.
        await _units.WaitForPropertyAsync("ActiveState", state => state == "active", TimeSpan.FromSeconds(10));
        Assert.Equal("running", await _units.ShowAsync("SubState"));
        string mainPid = await _units.ShowAsync("MainPID");
        Assert.Equal("chatdaemon", (await container.ExecAsync("cat", $"/proc/{mainPid}/comm")).Output.Trim());

        using LineClient second = await ConnectChatAsync();
        await second.SendAsync("hello from the second client");
        await first.ReadUntilAsync(line => line.EndsWith("> hello from the second client"));

        // STATUS= is refreshed at most once a second: wait for it to show both clients.
        string status = await _units.WaitForPropertyAsync("StatusText", text => ClientsInStatus().Match(text) is { Success: true } m && m.Groups[1].Value == "2",
            TimeSpan.FromSeconds(10));
        output.WriteLine($"StatusText={status}");
        Assert.Matches(@"\b1 rooms?\b", status);
        Assert.Matches(@"\b[1-9]\d* messages?\b", status);
    }

    [SystemdFact]
    public async Task A_valid_reload_is_applied_while_connected_clients_stay()
    {
        using LineClient before = await ConnectChatAsync();
        string mainPid = await _units.ShowAsync("MainPID");

        await _units.WriteConfigAsync("""{ "Chat": { "Motd": "second edition of the message of the day" } }""");
        CommandResult reload = await _units.SystemctlAsync("reload", ChatDaemonUnits.Service);

        Assert.True(reload.ExitCode == 0, reload.ToString());
        Assert.Equal("success", await _units.ShowAsync("ReloadResult"));
        Assert.Equal(mainPid, await _units.ShowAsync("MainPID"));
        await AssertServesAsync(before, "* second edition of the message of the day", "still connected");
    }

    [SystemdFact]
    public async Task An_invalid_reload_fails_and_the_running_configuration_keeps_serving()
    {
        await _units.WriteConfigAsync("""{ "Chat": { "Motd": "the configuration that works" } }""");
        using LineClient client = await ConnectChatAsync();
        string mainPid = await _units.ShowAsync("MainPID");
        string invocation = await _units.ShowAsync("InvocationID");

        await _units.WriteConfigAsync("""{ "Chat": { "Motd": "never shown" }, "Limits": { "MaxLineBytes": -5 } }""");
        CommandResult reload = await _units.SystemctlAsync("reload", ChatDaemonUnits.Service);

        output.WriteLine(reload.ToString());
        Assert.NotEqual(0, reload.ExitCode);
        Assert.NotEqual("success", await _units.ShowAsync("ReloadResult"));
        Assert.Equal(mainPid, await _units.ShowAsync("MainPID"));
        Assert.Equal(invocation, await _units.ShowAsync("InvocationID"));
        Assert.Equal("active", await _units.WaitForPropertyAsync("ActiveState", state => state == "active", TimeSpan.FromSeconds(10)));
        string status = await _units.WaitForPropertyAsync("StatusText", text => text.Contains("reload rejected: "), TimeSpan.FromSeconds(5));
        Assert.Contains("MaxLineBytes", status);

        await AssertServesAsync(client, "* the configuration that works", "old configuration still serving");
    }

    [SystemdFact]
    public async Task Two_reloads_at_once_both_return_only_once_the_daemon_applied_the_new_configuration()
    {
        using LineClient client = await ConnectChatAsync();
        string mainPid = await _units.ShowAsync("MainPID");
        await _units.WriteConfigAsync("""{ "Chat": { "Motd": "the edition both reloads asked for" } }""");

        CommandResult[] reloads = await Task.WhenAll(
            _units.SystemctlAsync("reload", ChatDaemonUnits.Service),
            _units.SystemctlAsync("reload", ChatDaemonUnits.Service));

        Assert.All(reloads, reload => Assert.True(reload.ExitCode == 0, reload.ToString()));
        Assert.Equal("success", await _units.ShowAsync("ReloadResult"));
        // Synchronous: systemd left "reloading" when ExecReload= exited, i.e. after the daemon answered.
        Assert.Equal("active", await _units.ShowAsync("ActiveState"));
        Assert.Equal(mainPid, await _units.ShowAsync("MainPID"));
        string state = (await container.ExecAsync("cat", "/run/chatdaemon/reload-state")).EnsureSuccess().Output.Trim();
        Assert.Matches($@"^{mainPid} (\d+) \1 applied$", state);
        await AssertServesAsync(client, "* the edition both reloads asked for", "connected through both reloads");
    }

    [SystemdFact]
    public async Task Two_reloads_at_once_of_an_invalid_configuration_both_fail_and_the_daemon_keeps_serving()
    {
        await _units.WriteConfigAsync("""{ "Chat": { "Motd": "the configuration that works" } }""");
        using LineClient client = await ConnectChatAsync();
        string mainPid = await _units.ShowAsync("MainPID");
        await _units.WriteConfigAsync("""{ "Limits": { "MaxLineBytes": -5 } }""");
        int rejectionsLogged = await ScriptRejectionsInJournalAsync();

        CommandResult[] reloads = await Task.WhenAll(
            _units.SystemctlAsync("reload", ChatDaemonUnits.Service),
            _units.SystemctlAsync("reload", ChatDaemonUnits.Service));

        Assert.All(reloads, reload => Assert.True(reload.ExitCode != 0, reload.ToString()));
        Assert.NotEqual("success", await _units.ShowAsync("ReloadResult"));
        Assert.Equal("active", await _units.ShowAsync("ActiveState"));
        Assert.Equal(mainPid, await _units.ShowAsync("MainPID"));
        Assert.True(await ScriptRejectionsInJournalAsync() > rejectionsLogged, "ExecReload= did not log the daemon's reason");
        await AssertServesAsync(client, "* the configuration that works", "old configuration still serving");
    }

    [SystemdFact]
    public async Task By_hand_both_the_reload_script_and_the_dotnet_reload_command_apply_a_change_and_report_a_rejection()
    {
        using LineClient client = await ConnectChatAsync();
        string[][] commands = [["/usr/lib/chatdaemon/chatdaemon-reload"], ["/usr/lib/chatdaemon/chatdaemon", "reload"]];
        foreach (string[] command in commands)
        {
            string motd = $"edition applied by {string.Join(' ', command)}";
            await _units.WriteConfigAsync($$"""{ "Chat": { "Motd": "{{motd}}" } }""");
            CommandResult applied = await container.ExecAsync(command);
            Assert.True(applied.ExitCode == 0, applied.ToString());
            using (LineClient after = await ConnectChatAsync())
            {
                Assert.Contains("* " + motd, after.Received);
            }

            await _units.WriteConfigAsync("""{ "Limits": { "MaxLineBytes": -5 } }""");
            CommandResult rejected = await container.ExecAsync(command);
            Assert.True(rejected.ExitCode != 0, rejected.ToString());
            Assert.Contains("MaxLineBytes", rejected.Output + rejected.Error);
        }

        Assert.Equal("active", await _units.ShowAsync("ActiveState"));
        await AssertServesAsync(client, greeting: null, "connected through four reloads by hand");
    }

    [SystemdFact]
    public async Task Stop_tells_clients_the_server_is_shutting_down_and_ends_with_success()
    {
        using LineClient client = await ConnectChatAsync();

        CommandResult stop = await _units.SystemctlAsync("stop", ChatDaemonUnits.Service);

        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains("* server shutting down", await client.ReadToEndAsync());
        Assert.Equal("success", await _units.ShowAsync("Result"));
        Assert.Equal("0", await _units.ShowAsync("ExecMainStatus"));
        Assert.Equal("inactive", await _units.ShowAsync("ActiveState"));
        Assert.Equal("active", await _units.ShowAsync("ActiveState", ChatDaemonUnits.ChatSocket));
    }

    [SystemdFact]
    public async Task Kill_9_restarts_the_daemon_behind_the_open_socket_and_a_client_of_the_gap_is_served()
    {
        using (await ConnectChatAsync())
        {
        }

        string mainPid = await _units.ShowAsync("MainPID");
        Assert.Equal("0", await _units.ShowAsync("NRestarts"));

        (await container.ExecAsync("kill", "-KILL", mainPid)).EnsureSuccess();
        // Connect at once: the socket unit keeps listening, the connection waits in the backlog.
        using LineClient duringGap = await LineClient.ConnectAsync(_units.ChatPort, readGreeting: false);

        await duringGap.ReadUntilAsync(line => line.StartsWith("* you are "));
        Assert.Equal("1", await _units.WaitForPropertyAsync("NRestarts", value => value != "0"));
        Assert.NotEqual(mainPid, await _units.ShowAsync("MainPID"));
        Assert.Equal("active", await _units.WaitForPropertyAsync("ActiveState", state => state == "active", TimeSpan.FromSeconds(10)));
        Assert.Equal("active", await _units.ShowAsync("ActiveState", ChatDaemonUnits.ChatSocket));
    }

    [SystemdFact]
    public async Task A_stopped_daemon_misses_the_watchdog_and_is_restarted()
    {
        // Shorter than the shipped WatchdogSec=10s only to keep the test quick.
        await _units.OverrideServiceAsync("WatchdogSec=2s\nTimeoutAbortSec=2s");
        using (await ConnectChatAsync())
        {
        }

        string mainPid = await _units.ShowAsync("MainPID");
        (await container.ExecAsync("kill", "-STOP", mainPid)).EnsureSuccess();

        await _units.WaitForPropertyAsync("NRestarts", value => value != "0", TimeSpan.FromSeconds(30));
        CommandResult journal = await container.ExecAsync("journalctl", "-u", ChatDaemonUnits.Service, "--no-pager", "-o", "cat");
        Assert.Contains("chatdaemon.service: Watchdog timeout (limit 2s)!", journal.Output);
        Assert.Contains("chatdaemon.service: Failed with result 'watchdog'.", journal.Output);

        using LineClient afterRestart = await ConnectChatAsync();
        Assert.NotEqual(mainPid, await _units.ShowAsync("MainPID"));
    }

    [SystemdFact]
    public async Task Chat_irc_and_echo_socket_units_are_served_by_one_daemon_each_with_its_protocol()
    {
        await using (var irc = await IrcTestClient.ConnectAsync(_units.IrcPort, "ircuser"))
        {
            await irc.SendAsync("PING :over the irc socket");
            Assert.EndsWith(" PONG chatdaemon.local :over the irc socket", await irc.ReadLineAsync());
        }


        using LineClient echo = await LineClient.ConnectAsync(_units.EchoPort, readGreeting: false, crlf: false);
        await echo.SendAsync("echo me");
        Assert.Equal("echo me", await echo.ReadLineAsync());
        string mainPid = await _units.ShowAsync("MainPID");

        using LineClient chat = await ConnectChatAsync();
        Assert.Equal(mainPid, await _units.ShowAsync("MainPID"));
        Assert.Equal("active", await _units.ShowAsync("ActiveState", ChatDaemonUnits.EchoSocket));
        Assert.Equal("active", await _units.ShowAsync("ActiveState", ChatDaemonUnits.IrcSocket));
    }

    [SystemdFact]
    public async Task A_chat_tls_socket_is_served_with_the_configured_certificate()
    {
        var local = Directory.CreateTempSubdirectory("chatdaemon-tls-");
        try
        {
            var files = TestCertificates.Write(local.FullName, "chat.test");
            await container.WriteFileAsync("/etc/chatdaemon/chatdaemon-testsuite-tls.crt", await File.ReadAllTextAsync(files.CertificateFile));
            await container.WriteFileAsync("/etc/chatdaemon/chatdaemon-testsuite-tls.key", await File.ReadAllTextAsync(files.KeyFile));

            // The key readable by the service's group only, as an administrator would leave it. (LoadCredential=
            // would keep it root's, but systemd 252 booted in this machine's namespaces leaves every unit's
            // credentials directory empty, root units' too; $CREDENTIALS_DIRECTORY lookup is tested in-process.)
            (await container.ExecAsync("chown", "root:chatdaemon", "/etc/chatdaemon/chatdaemon-testsuite-tls.key")).EnsureSuccess();
            (await container.ExecAsync("chmod", "0640", "/etc/chatdaemon/chatdaemon-testsuite-tls.key")).EnsureSuccess();
            var config = System.Text.Json.Nodes.JsonNode.Parse(
                File.ReadAllText(Path.Combine(SystemdContainer.RepositoryRoot, "deploy", "chatdaemon.json")),
                documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
            config["Tls"] = new System.Text.Json.Nodes.JsonObject { ["CertificateFile"] = "/etc/chatdaemon/chatdaemon-testsuite-tls.crt", ["KeyFile"] = "/etc/chatdaemon/chatdaemon-testsuite-tls.key" };
            await _units.WriteConfigAsync(config.ToJsonString());
            await _units.ExtendChatSocketAsync("FileDescriptorName=chat+tls");

            // The hardened unit (seccomp filter, read-only system, private users) lets OpenSSL do its handshake.
            await using var client = await TlsLineClient.ConnectAsync(_units.ChatPort);
            await client.ReadUntilAsync(line => line.StartsWith("* you are ", StringComparison.Ordinal));
            Assert.Equal(files.Thumbprint, client.Thumbprint);
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }

    [SystemdFact]
    public async Task A_unix_stream_socket_is_adopted_like_a_tcp_one()
    {
        string unixSocket = SuiteNames.RunFile("chat.sock");
        await _units.ExtendChatSocketAsync("ListenStream=" + unixSocket);

        using LineClient overUnix = await LineClient.ConnectUnixAsync(_units.HostPathOf(unixSocket));
        await overUnix.ReadUntilAsync(line => line.StartsWith("* you are "));
        using LineClient overTcp = await ConnectChatAsync();
        await overUnix.SendAsync("from the unix socket");
        await overTcp.ReadUntilAsync(line => line.EndsWith("> from the unix socket"));
    }

    [SystemdFact]
    public async Task An_unknown_descriptor_name_fails_the_start_with_the_reason_in_status_and_journal()
    {
        await _units.ExtendChatSocketAsync("FileDescriptorName=bogus");

        using (LineClient client = await LineClient.ConnectAsync(_units.ChatPort, readGreeting: false))
        {
            // Closed or reset with the listening socket when the service gives up: nobody greets.
            string? greeting;
            try
            {
                greeting = await client.ReadLineAsync();
            }
            catch (IOException)
            {
                greeting = null;
            }

            Assert.Null(greeting);
        }

        Assert.Equal("78", await _units.WaitForPropertyAsync("ExecMainStatus", value => value == "78")); // EX_CONFIG
        Assert.Equal("22", await _units.ShowAsync("StatusErrno")); // EINVAL, from ERRNO=
        CommandResult journal = await container.ExecAsync("journalctl", "-u", ChatDaemonUnits.Service, "--no-pager", "-o", "cat");
        Assert.Contains("named 'bogus'; set FileDescriptorName=chat, FileDescriptorName=irc or FileDescriptorName=echo", journal.Output);
    }

    [SystemdFact]
    public async Task The_journal_has_the_daemon_lines_with_their_priorities_and_identifier()
    {
        using (await ConnectChatAsync())
        {
        }

        string mainPid = await _units.ShowAsync("MainPID");
        await _units.WriteConfigAsync("""{ "Limits": { "MaxLineBytes": -5 } }""");
        await _units.SystemctlAsync("reload", ChatDaemonUnits.Service);

        CommandResult journal = (await container.ExecAsync("journalctl", $"_PID={mainPid}", "-o", "json", "--no-pager")).EnsureSuccess();
        var entries = journal.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => (Priority: e.GetProperty("PRIORITY").GetString(), Identifier: e.GetProperty("SYSLOG_IDENTIFIER").GetString(), Message: MessageOf(e)))
            .ToList();
        foreach (var entry in entries)
        {
            output.WriteLine($"{entry.Priority} {entry.Identifier}: {entry.Message}");
        }

        Assert.NotEmpty(entries);
        Assert.All(entries, entry => Assert.Equal("chatdaemon", entry.Identifier));
        Assert.Contains(entries, entry => entry.Priority == "6" && entry.Message.Contains("Ready", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(entries, entry => entry.Priority is "3" or "2" && entry.Message.Contains("reload", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Lines of the ExecReload= script (its stderr goes to the journal) that carry the daemon's reason.</summary>
    private async Task<int> ScriptRejectionsInJournalAsync()
    {
        CommandResult journal = await container.ExecAsync("journalctl", "-u", ChatDaemonUnits.Service, "--no-pager", "-o", "cat");
        return journal.Output.Split('\n').Count(line => line.StartsWith("chatdaemon-reload: configuration rejected, the running one stays: Limits:MaxLineBytes"));
    }

    private static string MessageOf(JsonElement entry)
    {
        JsonElement message = entry.GetProperty("MESSAGE");
        // journalctl -o json prints non-UTF-8 or binary messages as byte arrays.
        return message.ValueKind == JsonValueKind.Array
            ? System.Text.Encoding.UTF8.GetString(message.EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray())
            : message.GetString() ?? string.Empty;
    }

    [GeneratedRegex(@"\b(\d+) clients?\b")]
    private static partial Regex ClientsInStatus();
}
