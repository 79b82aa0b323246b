using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

internal sealed class ListenOptionsValidator : IValidateOptions<ListenOptions>
{
    public ValidateOptionsResult Validate(string? name, ListenOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool anyTls = false;
        foreach (string text in options.Listen)
        {
            if (!ListenEndpoint.TryParse(text, out var endpoint, out string error))
            {
                failures.Add($"Listen: {error}");
                continue;
            }

            anyTls |= endpoint.Tls;

            // Port 0 asks the OS for a fresh port each time, so it may appear more than once.
            string where = ListenEndpoint.FormatEndPoint(endpoint.EndPoint);
            if (endpoint.EndPoint is not System.Net.IPEndPoint { Port: 0 } && !seen.Add(where))
            {
                failures.Add($"Listen: {where} is listed twice");
            }
        }

        // Loaded here, not only where it is used: a bad certificate or key fails the start or the reload
        // (which then changes nothing) with the reason, instead of every TLS handshake later.
        if (anyTls || options.Tls.IsConfigured)
        {
            if (TlsCertificateFiles.TryLoad(options.Tls, Environment.GetEnvironmentVariable(TlsCertificateFiles.CredentialsDirectoryVariable), out var certificate, out string tlsError))
            {
                certificate.Dispose();
            }
            else
            {
                failures.Add(tlsError);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
