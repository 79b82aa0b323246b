using ChatDaemon.Chat;
using StackExchange.Redis;

namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// Who is where across instances: each instance writes its members into each room's hash (<c>members:{room}</c>)
/// as they join and leave, and its room counts into its own hash (<c>rooms:{id}</c>), and rewrites both whole
/// at every heartbeat (what a write lost during an outage comes back so). An entry is believed only while the
/// process that wrote it is alive (<c>instance:{id}</c> holds its number): the members of an instance that crashed
/// or restarted vanish from listings within the heartbeat's expiry, and are cleared from the hashes when seen.
/// </summary>
internal sealed class RedisPresence(IDatabase database, RedisKeys keys, string instanceId, string processId, TimeSpan expiry)
{
    private readonly string _entryHead = instanceId + "\n" + processId + "\n";

    /// <summary>A member's entry in a room's hash: instance, process, nick, user, host and realname, one per line.</summary>
    private string Entry(ChatMember member) => $"{_entryHead}{member.Nick}\n{member.User}\n{member.Host}\n{member.RealName}";

    /// <summary>
    /// Marks this process alive for <see cref="expiry"/>; the number another process of the same instance id had
    /// written there since the last heartbeat (two processes share an id: a configuration error), or null.
    /// </summary>
    public async Task<string?> HeartbeatAsync(bool first)
    {
        var before = await database.ScriptEvaluateAsync(
            RedisScripts.Heartbeat,
            [keys.Instance(instanceId), keys.Instances],
            [processId, (long)expiry.TotalMilliseconds, instanceId]).ConfigureAwait(false);
        string? previous = before.IsNull ? null : (string?)before;

        // At start the key holds the previous process's number (a restart): that is not a conflict.
        return first || previous is null || previous == processId ? null : previous;
    }

    public void Joined(string room, ChatMember member, int localMembers)
    {
        database.HashSet(keys.Members(room), member.Nick.ToLowerInvariant(), Entry(member), flags: CommandFlags.FireAndForget);
        database.HashSet(keys.Rooms(instanceId), room, localMembers, flags: CommandFlags.FireAndForget);
    }

    public void Left(string room, string nick, int localMembers)
    {
        database.HashDelete(keys.Members(room), nick.ToLowerInvariant(), CommandFlags.FireAndForget);
        if (localMembers > 0)
        {
            database.HashSet(keys.Rooms(instanceId), room, localMembers, flags: CommandFlags.FireAndForget);
        }
        else
        {
            database.HashDelete(keys.Rooms(instanceId), room, CommandFlags.FireAndForget);
        }
    }

    /// <summary>Writes every local room's members and this instance's room counts again, whole.</summary>
    public async Task RewriteAsync(IReadOnlyList<(string Room, ChatMember[] Members)> rooms)
    {
        var writes = new List<Task>(rooms.Count + 1);
        foreach (var (room, members) in rooms)
        {
            var entries = new HashEntry[members.Length];
            for (int i = 0; i < members.Length; i++)
            {
                entries[i] = new HashEntry(members[i].Nick.ToLowerInvariant(), Entry(members[i]));
            }

            writes.Add(database.HashSetAsync(keys.Members(room), entries));
        }

        var counts = new HashEntry[rooms.Count];
        for (int i = 0; i < rooms.Count; i++)
        {
            counts[i] = new HashEntry(rooms[i].Room, rooms[i].Members.Length);
        }

        var rewrite = database.CreateTransaction();
        _ = rewrite.KeyDeleteAsync(keys.Rooms(instanceId));
        if (counts.Length > 0)
        {
            _ = rewrite.HashSetAsync(keys.Rooms(instanceId), counts);
            _ = rewrite.KeyExpireAsync(keys.Rooms(instanceId), expiry);
        }

        writes.Add(rewrite.ExecuteAsync());
        await Task.WhenAll(writes).ConfigureAwait(false);
    }

    /// <summary>The live other instances' members in <paramref name="room"/>.</summary>
    public async Task<List<RemoteMember>> RemoteMembersAsync(string room)
    {
        var key = keys.Members(room);
        var entries = await database.HashGetAllAsync(key).ConfigureAwait(false);
        var parsed = new List<(RedisValue Field, string Instance, string Process, RemoteMember Member)>(entries.Length);
        foreach (var entry in entries)
        {
            string[] parts = ((string?)entry.Value ?? "").Split('\n', 6);
            if (parts.Length == 6 && parts[0] != instanceId)
            {
                parsed.Add((entry.Name, parts[0], parts[1], new RemoteMember(parts[2], parts[3], parts[4], parts[5].Length == 0 ? null : parts[5])));
            }
        }

        var alive = await LiveProcessesAsync(parsed.Select(p => p.Instance)).ConfigureAwait(false);
        var members = new List<RemoteMember>(parsed.Count);
        var stale = new List<RedisValue>();
        foreach (var entry in parsed)
        {
            if (alive.TryGetValue(entry.Instance, out string? process) && process == entry.Process)
            {
                members.Add(entry.Member);
            }
            else
            {
                stale.Add(entry.Field);
            }
        }

        if (stale.Count > 0)
        {
            database.HashDelete(key, [.. stale], CommandFlags.FireAndForget);
        }

        return members;
    }

    /// <summary>The other instances alive now (with their process numbers); forgets the dead ones.</summary>
    public async Task<Dictionary<string, string>> OtherLiveInstancesAsync()
    {
        var ids = (await database.SetMembersAsync(keys.Instances).ConfigureAwait(false)).Select(v => (string)v!).Where(id => id != instanceId).ToList();
        var alive = await LiveProcessesAsync(ids).ConfigureAwait(false);
        var dead = ids.Where(id => !alive.ContainsKey(id)).Select(id => (RedisValue)id).ToArray();
        if (dead.Length > 0)
        {
            database.SetRemove(keys.Instances, dead, CommandFlags.FireAndForget);
        }

        return alive;
    }

    /// <summary>The rooms of every live other instance, with its count of members in each.</summary>
    public async Task<List<KeyValuePair<string, int>>> RemoteRoomsAsync()
    {
        var alive = await OtherLiveInstancesAsync().ConfigureAwait(false);
        var batch = database.CreateBatch();
        var reads = alive.Keys.Select(id => batch.HashGetAllAsync(keys.Rooms(id))).ToList();
        batch.Execute();
        var rooms = new List<KeyValuePair<string, int>>();
        foreach (var read in reads)
        {
            foreach (var entry in await read.ConfigureAwait(false))
            {
                if (entry.Value.TryParse(out int count) && count > 0)
                {
                    rooms.Add(new KeyValuePair<string, int>((string)entry.Name!, count));
                }
            }
        }

        return rooms;
    }

    /// <summary>Of <paramref name="instances"/>, those alive now, with their process's number.</summary>
    private async Task<Dictionary<string, string>> LiveProcessesAsync(IEnumerable<string> instances)
    {
        var ids = instances.Distinct(StringComparer.Ordinal).ToArray();
        var alive = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return alive;
        }

        var processes = await database.StringGetAsync(ids.Select(keys.Instance).ToArray()).ConfigureAwait(false);
        for (int i = 0; i < ids.Length; i++)
        {
            if (!processes[i].IsNull)
            {
                alive[ids[i]] = processes[i]!;
            }
        }

        return alive;
    }
}
