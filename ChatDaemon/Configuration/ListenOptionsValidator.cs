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

            // Port 0 asks the OS for a fresh port each time, so it may appear more than once.
            string where = ListenEndpoint.FormatEndPoint(endpoint.EndPoint);
            if (endpoint.EndPoint is not System.Net.IPEndPoint { Port: 0 } && !seen.Add(where))
            {
                failures.Add($"Listen: {where} is listed twice");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
