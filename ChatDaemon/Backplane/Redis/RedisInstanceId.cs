namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// The instance id when none is configured: the machine's host name (its allowed characters), the same across
/// restarts, so that a restarted process (or one that took over the connections of the last) finds its members'
/// nicks still its own. Two instances on one machine need ids of their own (Backplane:Redis:InstanceId).
/// </summary>
internal static class RedisInstanceId
{
    public static string Default()
    {
        string host = new(Environment.MachineName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_').Take(64).ToArray());
        return host.Length > 0 ? host : "chatdaemon";
    }
}
