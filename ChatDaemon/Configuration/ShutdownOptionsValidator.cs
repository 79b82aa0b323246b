using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

internal sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        if (double.IsNaN(options.DrainTimeoutSeconds) || options.DrainTimeoutSeconds < 0 || options.DrainTimeoutSeconds > 3600)
        {
            return ValidateOptionsResult.Fail($"Shutdown:DrainTimeoutSeconds: {options.DrainTimeoutSeconds} is out of range (0 to 3600)");
        }

        return ValidateOptionsResult.Success;
    }
}
