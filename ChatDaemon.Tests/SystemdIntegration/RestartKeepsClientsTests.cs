using Xunit;
using Xunit.Abstractions;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// Restarts that disconnect nobody, under the real systemd 252: the installed unit keeps every connection in
/// its file descriptor store, and a restart hands them, with each member's state, to the next process.
/// </summary>
[Collection(SystemdCollection.Name)]
[Trait("Category", "Systemd")]
public sealed class RestartKeepsClientsTests(SystemdContainer container, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 200;
    private const int Rooms = 10;
    private readonly ChatDaemonUnits _units = new(container);
    private readonly List<LineClient> _clients = [];

    public async Task InitializeAsync()
    {
        if (SystemdPrerequisites.MissingReason is null)
        {
            await _units.ResetAsync();
            await _units.WriteConfigAsync("""{ "Limits": { "MaxConnectionsPerAddress": 0 } }""");
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        if (SystemdPrerequisites.MissingReason is null && container.SystemdPid != 0)
        {
            CommandResult journal = await container.ExecAsync("journalctl", "-u", ChatDaemonUnits.Service, "-n", "30", "--no-pager", "-o", "short-monotonic");
            output.WriteLine(journal.Output);
            await _units.SystemctlAsync("stop", ChatDaemonUnits.Service);
        }
    }

    /// <summary>Client i is c{i} in room r{i % Rooms}, and has seen its own join.</summary>
    private async Task ConnectAllAsync()
    {
        for (int i = 0; i < Clients; i++)
        {
            LineClient client = await LineClient.ConnectAsync(_units.ChatPort, readGreeting: false);
            _clients.Add(client);
            await client.ReadUntilAsync(line => line.StartsWith("* you are "));
            await client.SendAsync($"/nick c{i}");
            await client.SendAsync($"/join r{i % Rooms}");
            await client.ReadUntilAsync(line => line.StartsWith($"* you are now in r{i % Rooms} "));
        }
    }

    /// <summary>Client connections in the store: all it holds but the members' state memfd.</summary>
    private async Task<int> StoredConnectionsAsync() => int.Parse(await _units.ShowAsync("NFileDescriptorStore")) - 1;

    [SystemdFact]
    public async Task After_systemctl_restart_every_client_is_still_connected_with_its_nick_and_room_and_a_line_sent_before_arrives_once()
    {
        await ConnectAllAsync();
        Assert.Equal(Clients, await StoredConnectionsAsync());
        string mainPid = await _units.ShowAsync("MainPID");

        // A line sent just before the restart: said before it, or carried over in the state, never both.
        await _clients[0].SendAsync("just before the restart");
        (await _units.SystemctlAsync("restart", ChatDaemonUnits.Service)).EnsureSuccess();
        Assert.NotEqual(mainPid, await _units.ShowAsync("MainPID"));

        // Room r0: every member hears c0's line exactly once, then c0's next line.
        await _clients[0].SendAsync("after the restart");
        for (int i = Rooms; i < Clients; i += Rooms)
        {
            await _clients[i].ReadUntilAsync(line => line == "<c0> after the restart", TimeSpan.FromSeconds(20));
            Assert.Equal(1, _clients[i].Received.Count(line => line == "<c0> just before the restart"));
            Assert.Equal(1, _clients[i].Received.Count(line => line == "* server restarted"));
        }

        // Every client still speaks under its nick in its room: the first member of each room is heard by the others.
        for (int room = 1; room < Rooms; room++)
        {
            await _clients[room].SendAsync($"hello from r{room}");
            for (int i = room + Rooms; i < Clients; i += Rooms)
            {
                await _clients[i].ReadUntilAsync(line => line == $"<c{room}> hello from r{room}", TimeSpan.FromSeconds(20));
            }
        }

        Assert.All(_clients, client => Assert.DoesNotContain("* server shutting down", client.Received));
        Assert.Equal(Clients, await StoredConnectionsAsync());
    }

    /// <summary>Every client is still there, under its nick and in its room: the first member of each room is heard by the others.</summary>
    private async Task AssertEveryoneStillChatsAsync(string marker)
    {
        for (int room = 0; room < Rooms; room++)
        {
            await _clients[room].SendAsync($"{marker} from r{room}");
            for (int i = room + Rooms; i < Clients; i += Rooms)
            {
                await _clients[i].ReadUntilAsync(line => line == $"<c{room}> {marker} from r{room}", TimeSpan.FromSeconds(30));
            }
        }
    }

    private async Task WaitForNewMainPidAsync(string old) =>
        await _units.WaitForPropertyAsync("MainPID", pid => pid != old && pid != "0", TimeSpan.FromSeconds(30));

    [SystemdFact]
    public async Task After_the_main_process_is_killed_with_SIGKILL_every_client_is_still_connected_with_its_nick_and_room()
    {
        await ConnectAllAsync();
        string mainPid = await _units.ShowAsync("MainPID");
        (await container.ExecAsync("kill", "-KILL", mainPid)).EnsureSuccess();
        await WaitForNewMainPidAsync(mainPid);
        await _units.WaitForPropertyAsync("ActiveState", state => state == "active", TimeSpan.FromSeconds(30));

        await AssertEveryoneStillChatsAsync("after a crash");
        Assert.Equal(Clients, await StoredConnectionsAsync());
    }

    [SystemdFact]
    public async Task After_a_watchdog_restart_of_a_hung_process_every_client_is_still_connected_with_its_nick_and_room()
    {
        await _units.OverrideServiceAsync("WatchdogSec=2s\nTimeoutAbortSec=1s");
        await ConnectAllAsync();
        string mainPid = await _units.ShowAsync("MainPID");
        (await container.ExecAsync("kill", "-STOP", mainPid)).EnsureSuccess();
        await WaitForNewMainPidAsync(mainPid);
        await _units.WaitForPropertyAsync("ActiveState", state => state == "active", TimeSpan.FromSeconds(30));

        await AssertEveryoneStillChatsAsync("after the watchdog");
    }

    [SystemdFact]
    public async Task Systemctl_stop_tells_every_client_closes_it_and_leaves_the_store_empty()
    {
        await ConnectAllAsync();
        (await _units.SystemctlAsync("stop", ChatDaemonUnits.Service)).EnsureSuccess();
        foreach (var client in _clients)
        {
            List<string> rest = await client.ReadToEndAsync(TimeSpan.FromSeconds(20));
            Assert.Contains("* server shutting down", rest);
        }

        Assert.Equal("0", await _units.ShowAsync("NFileDescriptorStore"));
    }

    [SystemdFact]
    public async Task A_client_that_quits_is_closed_for_its_peer_at_once_and_leaves_the_store()
    {
        await ConnectAllAsync();
        await _clients[5].SendAsync("/quit bye");
        List<string> rest = await _clients[5].ReadToEndAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("* bye", rest);
        // 199 connections and the state.
        await _units.WaitForPropertyAsync("NFileDescriptorStore", value => value == Clients.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
