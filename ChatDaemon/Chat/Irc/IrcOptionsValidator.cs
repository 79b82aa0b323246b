using System.Buffers;
using ChatDaemon.Configuration;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Chat.Irc;

/// <summary>The rules of the <c>Irc</c> section: names that fit in a reply's prefix and an ISUPPORT token.</summary>
internal sealed class IrcOptionsValidator : IValidateOptions<IrcOptions>
{
    private static readonly SearchValues<char> HostCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-");
    private static readonly SearchValues<char> NetworkCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_");

    public ValidateOptionsResult Validate(string? name, IrcOptions options)
    {
        var failures = new List<string>();
        string server = options.ServerName ?? "";
        if (server.Length is 0 or > 63 || server.AsSpan().ContainsAnyExcept(HostCharacters) || !server.Contains('.') || server[0] is '.' or '-')
        {
            failures.Add($"Irc:ServerName: '{server}' must be a host name with a '.' (letters, digits, '.' and '-', at most 63)");
        }

        string network = options.Network ?? "";
        if (network.Length is 0 or > 32 || network.AsSpan().ContainsAnyExcept(NetworkCharacters))
        {
            failures.Add($"Irc:Network: '{network}' must be 1 to 32 of letters, digits, '.', '-' and '_'");
        }

        if (options.RegistrationTimeoutSeconds is < 1 or > 3600)
        {
            failures.Add($"Irc:RegistrationTimeoutSeconds: {options.RegistrationTimeoutSeconds} must be 1 to 3600");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
