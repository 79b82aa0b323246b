using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

internal sealed class ListenOptionsValidator : IValidateOptions<ListenOptions>
{
    public ValidateOptionsResult Validate(string? name, ListenOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string text in options.Listen)
        {
            if (!ListenEndpoint.TryParse(text, out var endpoint, out string error))
            {
                failures.Add($"Listen: {error}");
                continue;
            }

            string where = ListenEndpoint.FormatEndPoint(endpoint.EndPoint);
            if (!seen.Add(where))
            {
                failures.Add($"Listen: {where} is listed twice");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
