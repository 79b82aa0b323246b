namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// The Lua scripts that make nick claims atomic: Redis runs a script whole, so of several instances claiming one
/// nick at once exactly one finds it free (EVAL, redis.io "Scripting with Lua"). The client sends each by its
/// SHA1 once loaded.
/// </summary>
internal static class RedisScripts
{
    /// <summary>KEYS[1] nick key; ARGV[1] instance id, ARGV[2] expiry (ms). 1: held by this instance now (taken or renewed); 0: another holds it.</summary>
    public const string Claim = """
        local holder = redis.call('GET', KEYS[1])
        if not holder then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        elseif holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    /// <summary>Claim for each of KEYS; returns the (1-based) positions of the keys another instance holds.</summary>
    public const string ClaimAll = """
        local lost = {}
        for i, key in ipairs(KEYS) do
          local holder = redis.call('GET', key)
          if not holder then
            redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
          elseif holder == ARGV[1] then
            redis.call('PEXPIRE', key, ARGV[2])
          else
            lost[#lost + 1] = i
          end
        end
        return lost
        """;

    /// <summary>KEYS[1] nick key; ARGV[1] instance id: deleted only while this instance holds it.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    /// <summary>
    /// KEYS[1] instance key, KEYS[2] instances set; ARGV[1] this process's number, ARGV[2] expiry (ms), ARGV[3]
    /// instance id. Marks the process alive and returns the number that was there (another process's, if two
    /// share the instance id).
    /// </summary>
    public const string Heartbeat = """
        local before = redis.call('GET', KEYS[1])
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[3])
        return before
        """;
}
