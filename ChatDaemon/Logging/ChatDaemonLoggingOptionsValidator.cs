using ChatDaemon.Logging.Syslog;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Logging;

/// <summary>
/// Validates the <c>Logging</c> section at startup and on reload. Every message names the key and
/// the accepted values, e.g. <c>Logging:Syslog:Transport: 'Carrier pigeon' is not one of Local, Udp, Tcp</c>.
/// </summary>
public sealed class ChatDaemonLoggingOptionsValidator : IValidateOptions<ChatDaemonLoggingOptions>
{
    private const string Section = ChatDaemonLoggingOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ChatDaemonLoggingOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static List<string> Check(ChatDaemonLoggingOptions options)
    {
        var failures = CheckLevels(options.MinimumLevel);
        CheckJournal(options, failures);
        if (options.Syslog.Enabled)
        {
            CheckSyslog(options.Syslog, failures);
        }

        return failures;
    }

    internal static List<string> CheckLevels(MinimumLevelOptions levels)
    {
        var failures = new List<string>();
        CheckLevel($"{Section}:MinimumLevel:Default", levels.Default, failures);
        foreach (var (category, level) in levels.Override)
        {
            if (string.IsNullOrWhiteSpace(category))
            {
                failures.Add($"{Section}:MinimumLevel:Override: a category name is empty");
            }

            CheckLevel($"{Section}:MinimumLevel:Override:{category}", level, failures);
        }

        return failures;
    }

    private static void CheckJournal(ChatDaemonLoggingOptions options, List<string> failures)
    {
        var journal = options.Journal;
        CheckEnum<Facility>($"{Section}:Journal:Facility", journal.Facility, failures);
        if (string.IsNullOrWhiteSpace(journal.SyslogIdentifier))
        {
            failures.Add($"{Section}:Journal:SyslogIdentifier must not be empty");
        }

        if (string.IsNullOrWhiteSpace(journal.SocketPath) || journal.SocketPath.Length > 107)
        {
            failures.Add($"{Section}:Journal:SocketPath must be a path of 1-107 bytes (sockaddr_un)");
        }
    }

    private static void CheckSyslog(SyslogSinkOptions syslog, List<string> failures)
    {
        const string Prefix = Section + ":Syslog";
        var transport = CheckEnum<SyslogTransport>($"{Prefix}:Transport", syslog.Transport, failures);
        if (syslog.Format is not null)
        {
            CheckEnum<SyslogFormat>($"{Prefix}:Format", syslog.Format, failures);
        }

        CheckEnum<Facility>($"{Prefix}:Facility", syslog.Facility, failures);
        CheckEnum<FramingType>($"{Prefix}:Framing", syslog.Framing, failures);
        CheckLevel($"{Prefix}:MinimumLevel", syslog.MinimumLevel, failures);

        if (transport is SyslogTransport.Udp or SyslogTransport.Tcp)
        {
            if (string.IsNullOrWhiteSpace(syslog.Host))
            {
                failures.Add($"{Prefix}:Host must be set for the {transport} transport");
            }

            if (syslog.Port is { } port && port is < 1 or > 65535)
            {
                failures.Add($"{Prefix}:Port: {port} is not a port number (1-65535)");
            }
        }

        if (syslog.UseTls && transport != SyslogTransport.Tcp)
        {
            failures.Add($"{Prefix}:UseTls needs Transport Tcp (RFC 5425 is TLS over TCP)");
        }

        if (syslog.UseTls && string.Equals(syslog.Framing, nameof(FramingType.NewLine), StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Prefix}:Framing must be OctetCounting with TLS (RFC 5425 §4.3)");
        }

        if (string.IsNullOrWhiteSpace(syslog.AppName) || syslog.AppName.Length > 48 || !IsPrintableAscii(syslog.AppName))
        {
            failures.Add($"{Prefix}:AppName: '{syslog.AppName}' must be 1-48 printable ASCII characters (RFC 5424 §6.2.5)");
        }

        if (!StructuredDataWriter.IsValidSdId(syslog.StructuredDataId) || !syslog.StructuredDataId.Contains('@'))
        {
            failures.Add($"{Prefix}:StructuredDataId: '{syslog.StructuredDataId}' must be name@PEN, 1-32 printable ASCII without '=', ' ', ']', '\"' (RFC 5424 §6.3.2)");
        }

        if (syslog.QueueLimit < 1)
        {
            failures.Add($"{Prefix}:QueueLimit must be at least 1");
        }

        if (syslog.MaxMessageBytes < 480)
        {
            failures.Add($"{Prefix}:MaxMessageBytes must be at least 480 (RFC 5426 §3.2)");
        }
    }

    private static void CheckLevel(string key, string? value, List<string> failures)
    {
        if (!LogLevelName.TryParse(value, out _))
        {
            failures.Add($"{key}: '{value}' is not a log level; use {LogLevelName.Accepted}");
        }
    }

    private static TEnum? CheckEnum<TEnum>(string key, string? value, List<string> failures)
        where TEnum : struct, Enum
    {
        if (!string.IsNullOrWhiteSpace(value)
            && !char.IsAsciiDigit(value.Trim()[0])
            && Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed))
        {
            return parsed;
        }

        failures.Add($"{key}: '{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}");
        return null;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
