using ChatDaemon.Configuration;
using StackExchange.Redis;

namespace ChatDaemon.Backplane.Redis;

/// <summary>The Redis client's settings made from <see cref="RedisBackplaneOptions"/> (validated before).</summary>
internal static class RedisConnectionSettings
{
    /// <summary>How long the start waits for Redis before it goes on without it (chat does not wait for the broker).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a call waits for Redis's answer (the client's default, 5 s). Shorter made a loaded machine's
    /// slow answers into failures: a subscription or publish given up while Redis was merely busy.
    /// </summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    public static ConfigurationOptions Create(RedisBackplaneOptions options)
    {
        var settings = new ConfigurationOptions
        {
            // Start even when Redis is down: local chat must not depend on the broker; the client keeps retrying.
            AbortOnConnectFail = false,
            // The default backlog keeps commands made while disconnected and sends them on reconnect, before the
            // other instances have resubscribed: those messages were lost anyway, only silently (issue 16). Failing
            // at once lets the backplane count them.
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds,
            // A command that waits for Redis (a nick change, a private message to another instance) holds only its
            // own client, and no thread: a broker that hangs costs that client this long, nobody else anything.
            SyncTimeout = (int)CallTimeout.TotalMilliseconds,
            AsyncTimeout = (int)CallTimeout.TotalMilliseconds,
            ClientName = "chatdaemon",
        };
        foreach (string text in options.Endpoints)
        {
            if (RedisEndpoint.TryParse(text, out var endpoint, out _))
            {
                settings.EndPoints.Add(endpoint.Host, endpoint.Port);
            }
        }

        if (!string.IsNullOrEmpty(options.PasswordFile) && RedisPasswordFile.TryRead(options.PasswordFile, out string password, out _))
        {
            settings.Password = password;
        }

        if (!string.IsNullOrEmpty(options.User))
        {
            settings.User = options.User;
        }

        if (options.Tls)
        {
            settings.Ssl = true;
            settings.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
            if (!string.IsNullOrEmpty(options.TlsCaFile) && RedisTlsAuthority.TryLoad(options.TlsCaFile, out var authorities, out _))
            {
                settings.CertificateValidation += (_, certificate, _, errors) =>
                    errors == System.Net.Security.SslPolicyErrors.None || (certificate is not null && RedisTlsAuthority.Trusts(authorities, certificate, errors));
            }
        }

        return settings;
    }
}
