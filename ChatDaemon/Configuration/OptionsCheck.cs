using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

/// <summary>
/// The startup validation of <typeparamref name="TOptions"/>, runnable against a configuration
/// that is not live yet: a reload and <c>check-config</c> apply exactly the rules startup applies.
/// </summary>
internal sealed class OptionsCheck<TOptions>(string? section, Action<IConfiguration, TOptions> bind, IEnumerable<IValidateOptions<TOptions>> validators) : IOptionsCheck
    where TOptions : class, new()
{
    public IEnumerable<string> Check(IConfiguration candidate)
    {
        var options = new TOptions();
        try
        {
            bind(section is null ? candidate : candidate.GetSection(section), options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder says which key failed and why, e.g. "Failed to convert configuration value at 'Limits:MaxLineBytes' to type 'System.Int32'".
            return [ex.Message];
        }

        var failures = new List<string>();
        foreach (var validator in validators)
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures ?? [result.FailureMessage]);
            }
        }

        return failures;
    }
}
