using System.Text;
using System.Text.Json;

namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// One journal entry as <c>journalctl -o json --all</c> prints it (one JSON object per line). Per
/// journalctl(1) a value that is not valid UTF-8 is printed as an array of bytes, a field that occurs
/// several times as an array of values, and, without <c>--all</c>, a value over 4096 bytes as null.
/// </summary>
internal sealed class JournalRecord(JsonElement entry)
{
    public static List<JournalRecord> Parse(string journalctlOutput) =>
        journalctlOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => new JournalRecord(JsonDocument.Parse(line).RootElement.Clone()))
            .ToList();

    /// <summary>The field's one value; null when absent; fails when it occurs several times or was left out.</summary>
    public string? this[string field]
    {
        get
        {
            if (!entry.TryGetProperty(field, out JsonElement value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Array when value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Number) =>
                    Encoding.UTF8.GetString(value.EnumerateArray().Select(item => item.GetByte()).ToArray()),
                JsonValueKind.Array => throw new InvalidOperationException($"{field} occurs {value.GetArrayLength()} times in one entry"),
                _ => throw new InvalidOperationException($"{field} is {value.ValueKind} (left out by journalctl?)"),
            };
        }
    }

    public override string ToString()
    {
        string text = entry.GetRawText();
        return text.Length > 2000 ? text[..2000] + $"... ({text.Length} characters)" : text;
    }
}
