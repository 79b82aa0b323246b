using ChatDaemon.Chat;
using StackExchange.Redis;

namespace ChatDaemon.Backplane.Redis;

/// <summary>
/// Nicks unique across instances: a nick is claimed by writing this instance's id under <c>nick:{nick}</c>, only
/// if nobody else's is there (<see cref="RedisScripts.Claim"/>), with an expiry that the holder renews while its
/// member has the nick. An instance that crashes stops renewing: its nicks are free again within the expiry.
/// </summary>
internal sealed class RedisNickClaims(IDatabase database, RedisKeys keys, string instanceId, TimeSpan expiry)
{
    /// <summary>How many nicks one renewal script carries (it runs whole inside Redis, which serves nobody else meanwhile).</summary>
    internal const int RenewBatch = 256;

    private readonly RedisValue[] _arguments = [instanceId, (long)expiry.TotalMilliseconds];

    public TimeSpan Expiry => expiry;

    /// <summary>Claims <paramref name="nick"/> and waits for the answer.</summary>
    public async Task<BackplaneAnswer> ClaimAsync(string nick)
    {
        try
        {
            var result = await database.ScriptEvaluateAsync(RedisScripts.Claim, [keys.Nick(nick)], _arguments).ConfigureAwait(false);
            return (int)result == 1 ? BackplaneAnswer.Yes : BackplaneAnswer.No;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return BackplaneAnswer.Unavailable;
        }
    }

    /// <summary>Claims <paramref name="nick"/> without waiting; <paramref name="lost"/> is called if another instance holds it.</summary>
    public void ClaimInBackground(string nick, Action<string> lost)
    {
        Task<RedisResult> claiming;
        try
        {
            claiming = database.ScriptEvaluateAsync(RedisScripts.Claim, [keys.Nick(nick)], _arguments);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return; // the next renewal claims it
        }

        claiming.ContinueWith(
            task =>
            {
                if (task.IsCompletedSuccessfully && (int)task.Result == 0)
                {
                    lost(nick);
                }

                _ = task.Exception; // a failed claim is made again by the next renewal
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Frees <paramref name="nick"/> if this instance holds it; does not wait (unfreed, it expires).</summary>
    public void Release(string nick)
    {
        try
        {
            database.ScriptEvaluate(RedisScripts.Release, [keys.Nick(nick)], [instanceId], CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Expires on its own.
        }
    }

    /// <summary>
    /// Renews the claims of <paramref name="nicks"/> (claiming those that lapsed, after an outage); the nicks another
    /// instance took meanwhile, which local members must give up.
    /// </summary>
    public async Task<List<string>> RenewAsync(IReadOnlyList<string> nicks)
    {
        var lost = new List<string>();
        for (int start = 0; start < nicks.Count; start += RenewBatch)
        {
            int count = Math.Min(RenewBatch, nicks.Count - start);
            var batch = new RedisKey[count];
            for (int i = 0; i < count; i++)
            {
                batch[i] = keys.Nick(nicks[start + i]);
            }

            var result = await database.ScriptEvaluateAsync(RedisScripts.ClaimAll, batch, _arguments).ConfigureAwait(false);
            foreach (var position in (int[])result!)
            {
                lost.Add(nicks[start + position - 1]);
            }
        }

        return lost;
    }
}
