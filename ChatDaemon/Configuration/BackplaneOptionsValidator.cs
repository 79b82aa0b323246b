using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

/// <summary>The rules of the <c>Backplane</c> section; the Redis keys are checked only when they are used.</summary>
internal sealed class BackplaneOptionsValidator : IValidateOptions<BackplaneOptions>
{
    internal const int MaxChannelPrefixLength = 64;
    internal const int MaxInstanceIdLength = 64;
    internal const int MinClaimSeconds = 3;
    internal const int MaxClaimSeconds = 3600;

    public ValidateOptionsResult Validate(string? name, BackplaneOptions options)
    {
        if (options.Kind == BackplaneKind.None)
        {
            return ValidateOptionsResult.Success;
        }

        if (!Enum.IsDefined(options.Kind))
        {
            return ValidateOptionsResult.Fail($"Backplane:Kind: '{options.Kind}' must be None or Redis");
        }

        if (!RedisBackplaneFeature.IsSupported)
        {
            return ValidateOptionsResult.Fail("Backplane:Kind: this build has no Redis backplane (published with -p:RedisBackplane=false)");
        }

        var failures = new List<string>();
        var redis = options.Redis;
        if (redis.Endpoints.Count == 0)
        {
            failures.Add("Backplane:Redis:Endpoints: at least one Redis server (host:port) is needed when Backplane:Kind is Redis");
        }

        foreach (string endpoint in redis.Endpoints)
        {
            if (!RedisEndpoint.TryParse(endpoint, out _, out string error))
            {
                failures.Add($"Backplane:Redis:Endpoints: {error}");
            }
        }

        string prefix = redis.ChannelPrefix ?? "";
        if (prefix.Length is 0 or > MaxChannelPrefixLength || prefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add($"Backplane:Redis:ChannelPrefix: must be 1 to {MaxChannelPrefixLength} characters without spaces (default '{RedisBackplaneOptions.DefaultChannelPrefix}')");
        }

        string id = redis.InstanceId ?? "";
        if (id.Length > MaxInstanceIdLength || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
        {
            failures.Add($"Backplane:Redis:InstanceId: must be at most {MaxInstanceIdLength} of letters, digits, '.', '-' and '_' (empty: the host name)");
        }

        if (redis.ClaimSeconds is < MinClaimSeconds or > MaxClaimSeconds)
        {
            failures.Add($"Backplane:Redis:ClaimSeconds: {redis.ClaimSeconds} must be from {MinClaimSeconds} to {MaxClaimSeconds} (default {RedisBackplaneOptions.DefaultClaimSeconds})");
        }

        if ((redis.User ?? "").Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add("Backplane:Redis:User: must not contain spaces or control characters");
        }

        if (!string.IsNullOrEmpty(redis.User) && string.IsNullOrEmpty(redis.PasswordFile))
        {
            failures.Add("Backplane:Redis:User: a user needs its password (Backplane:Redis:PasswordFile)");
        }

        if (!string.IsNullOrEmpty(redis.TlsCaFile))
        {
            if (!redis.Tls)
            {
                failures.Add("Backplane:Redis:TlsCaFile: set only with Backplane:Redis:Tls=true");
            }
            else if (!RedisTlsAuthority.TryLoad(redis.TlsCaFile, out _, out string caError))
            {
                failures.Add($"Backplane:Redis:TlsCaFile: {caError}");
            }
        }

        // Only whether it can be read: its content is a secret, and no message ever shows it.
        if (!string.IsNullOrEmpty(redis.PasswordFile) && !RedisPasswordFile.TryRead(redis.PasswordFile, out _, out string passwordError))
        {
            failures.Add($"Backplane:Redis:PasswordFile: {passwordError}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
