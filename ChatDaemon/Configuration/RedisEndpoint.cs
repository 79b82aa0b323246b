using System.Globalization;

namespace ChatDaemon.Configuration;

/// <summary>One entry of <c>Backplane:Redis:Endpoints</c>, parsed without the Redis client (the validator runs whatever the kind).</summary>
public readonly record struct RedisEndpoint(string Host, int Port)
{
    public const int DefaultPort = 6379;

    /// <summary>Reads <c>host:port</c>, <c>host</c>, <c>[IPv6]:port</c> or <c>[IPv6]</c>; false with the reason otherwise.</summary>
    public static bool TryParse(string? text, out RedisEndpoint endpoint, out string error)
    {
        endpoint = default;
        error = "";
        text = text?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "an endpoint is empty";
            return false;
        }

        string host;
        string? port = null;
        if (text[0] == '[')
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                error = $"'{text}' is not [IPv6]:port";
                return false;
            }

            host = text[1..close];
            port = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"'{text}': write an IPv6 address in brackets, [address]:port";
                return false;
            }

            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }

        int number = DefaultPort;
        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            error = $"'{text}' has no host";
            return false;
        }

        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            error = $"'{text}' has no valid port (1 to 65535)";
            return false;
        }

        endpoint = new RedisEndpoint(host, number);
        return true;
    }
}
