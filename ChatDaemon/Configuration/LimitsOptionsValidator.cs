using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    // A line must fit in the transport's read buffer, which Kestrel caps at 1 MiB by default.
    internal const int LargestMaxLineBytes = 512 * 1024;

    // Beyond a minute a client that does not read holds a minute of its room's traffic: a mistake, not a setting.
    internal const double MostSlowClientSeconds = 60;

    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxLineBytes < 0 || options.MaxLineBytes > LargestMaxLineBytes)
        {
            failures.Add($"Limits:MaxLineBytes: {options.MaxLineBytes} is out of range (0 to {LargestMaxLineBytes}; 0 means {LargestMaxLineBytes})");
        }

        if (options.SendQueueBytes < 0)
        {
            failures.Add($"Limits:SendQueueBytes: {options.SendQueueBytes} must be 0 (no limit) or positive");
        }
        else if (options.SendQueueBytes is > 0 and < 1024)
        {
            failures.Add($"Limits:SendQueueBytes: {options.SendQueueBytes} is too small to hold one greeting (at least 1024, or 0 for no limit)");
        }

        if (options.SlowClientSeconds < 0 || options.SlowClientSeconds > MostSlowClientSeconds || double.IsNaN(options.SlowClientSeconds))
        {
            failures.Add($"Limits:SlowClientSeconds: {options.SlowClientSeconds} is out of range (0 to {MostSlowClientSeconds})");
        }

        if (options.LinesPerSecond < 0 || double.IsNaN(options.LinesPerSecond) || double.IsInfinity(options.LinesPerSecond))
        {
            failures.Add($"Limits:LinesPerSecond: {options.LinesPerSecond} must be 0 (no limit) or positive");
        }

        if (options.LineBurst < 0)
        {
            failures.Add($"Limits:LineBurst: {options.LineBurst} must be 0 or positive");
        }
        else if (options.LinesPerSecond > 0 && options.LineBurst == 0)
        {
            failures.Add("Limits:LineBurst: must be at least 1 when LinesPerSecond is set");
        }

        if (options.MaxConnections < 0)
        {
            failures.Add($"Limits:MaxConnections: {options.MaxConnections} must be 0 (no limit) or positive");
        }

        if (options.MaxConnectionsPerAddress < 0)
        {
            failures.Add($"Limits:MaxConnectionsPerAddress: {options.MaxConnectionsPerAddress} must be 0 (no limit) or positive");
        }

        // tcp(7): TCP_KEEPIDLE takes 1 to 32767 seconds.
        if (options.KeepAliveSeconds < 0 || options.KeepAliveSeconds > 32767)
        {
            failures.Add($"Limits:KeepAliveSeconds: {options.KeepAliveSeconds} is out of range (0 to 32767)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
