using System.Collections.Concurrent;
using System.Text;

namespace ChatDaemon.Logging.Journal;

// Maps Serilog property names to journal field names. systemd.journal-fields(7) and
// sd_journal_send(3): names are A-Z, 0-9 and '_', must not start with '_' (trusted fields) or a
// digit, and are at most 64 characters. PascalCase words are split with '_' so ConnectionId
// becomes CONNECTION_ID and RemoteEndPoint becomes REMOTE_END_POINT.
internal static class JournalFieldName
{
    public const int MaxLength = 64;

    private const string CollisionPrefix = "PROPERTY_";

    // Fields the sink writes itself, plus the user fields journald or journalctl give a meaning
    // to (systemd.journal-fields(7)); a property mapping to one of these gets CollisionPrefix.
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "MESSAGE", "MESSAGE_ID", "PRIORITY", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "ERRNO",
        "INVOCATION_ID", "USER_INVOCATION_ID", "SYSLOG_FACILITY", "SYSLOG_IDENTIFIER", "SYSLOG_PID",
        "SYSLOG_TIMESTAMP", "SYSLOG_RAW", "DOCUMENTATION", "TID", "UNIT", "USER_UNIT",
        "EVENT_ID", "EVENT_NAME", "LOGGER", "EXCEPTION", "EXCEPTION_TYPE", "EXCEPTION_MESSAGE",
    };

    private static readonly ConcurrentDictionary<string, string?> Cache = new(StringComparer.Ordinal);

    // The field name for a property, or null when nothing valid remains (e.g. "_1").
    public static string? ForProperty(string propertyName)
    {
        if (Cache.TryGetValue(propertyName, out var cached))
        {
            return cached;
        }

        var mapped = Map(propertyName);
        if (mapped is not null && Reserved.Contains(mapped))
        {
            mapped = Truncate(CollisionPrefix + mapped);
        }

        // Property names come from message templates in code, so the cache stays small; the
        // bound protects against templates built from user input.
        if (Cache.Count < 4096)
        {
            Cache.TryAdd(propertyName, mapped);
        }

        return mapped;
    }

    internal static string? Map(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterUpper(c))
            {
                var previous = i > 0 ? name[i - 1] : '\0';
                var next = i + 1 < name.Length ? name[i + 1] : '\0';
                var startsWord = char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous)
                    || (char.IsAsciiLetterUpper(previous) && char.IsAsciiLetterLower(next));
                if (startsWord && builder.Length > 0 && builder[^1] != '_')
                {
                    builder.Append('_');
                }

                builder.Append(c);
            }
            else if (char.IsAsciiLetterLower(c))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
            else if (char.IsAsciiDigit(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('_');
            }
        }

        var start = 0;
        while (start < builder.Length && (builder[start] == '_' || char.IsAsciiDigit(builder[start])))
        {
            start++;
        }

        if (start == builder.Length)
        {
            return null;
        }

        return Truncate(builder.ToString(start, builder.Length - start));
    }

    private static string Truncate(string name) => name.Length <= MaxLength ? name : name[..MaxLength];
}
