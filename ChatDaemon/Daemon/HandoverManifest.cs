using System.Globalization;
using System.Text;
using ChatDaemon.Configuration;

namespace ChatDaemon.Daemon;

/// <summary>
/// What a classic daemon hands to the program it re-executes (<c>chatdaemon restart</c> and <c>upgrade</c>,
/// <see cref="ExecHandover"/>): which inherited descriptor is which (listening sockets by the configured
/// endpoint they serve, client connections by protocol, the PID file's locked descriptor), whether the
/// daemon runs detached, how many times it was handed over, and the members' state
/// (<see cref="Chat.MemberStateFile"/>, keyed by socket inode). Written into a memfd whose number the new
/// image finds in <c>CHATDAEMON_HANDOVER_FD</c>: LISTEN_FDNAMES-style names in the environment would cap
/// 10,000 clients at execve(2)'s 128 KiB per string.
/// </summary>
/// <remarks>
/// Text lines, then the state's bytes:
/// <code>
/// chatdaemon-handover 1
/// generation N
/// detached                      (optional)
/// pidfile FD                    (optional)
/// listener FD chat=127.0.0.1:2323
/// connection FD chat
/// state LENGTH
/// &lt;LENGTH bytes&gt;
/// </code>
/// </remarks>
internal sealed record HandoverManifest(
    int Generation,
    bool Detached,
    int? PidFileDescriptor,
    IReadOnlyList<(int FileDescriptor, string Endpoint)> Listeners,
    IReadOnlyList<(int FileDescriptor, ListenerProtocol Protocol)> Connections,
    byte[] State)
{
    public const string EnvironmentVariable = "CHATDAEMON_HANDOVER_FD";

    /// <summary>The pid the manifest is meant for: a child that inherits the environment must not take it (as LISTEN_PID).</summary>
    public const string PidVariable = "CHATDAEMON_HANDOVER_PID";

    private const string Magic = "chatdaemon-handover 1";

    /// <summary>Every descriptor the manifest names (the new image closes those it does not use).</summary>
    public IEnumerable<int> Descriptors =>
        Listeners.Select(l => l.FileDescriptor)
            .Concat(Connections.Select(c => c.FileDescriptor))
            .Concat(PidFileDescriptor is { } fd ? [fd] : []);

    public byte[] Encode()
    {
        var text = new StringBuilder();
        text.Append(Magic).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"generation {Generation}\n");
        if (Detached)
        {
            text.Append("detached\n");
        }

        if (PidFileDescriptor is { } pidFile)
        {
            text.Append(CultureInfo.InvariantCulture, $"pidfile {pidFile}\n");
        }

        foreach (var (fd, endpoint) in Listeners)
        {
            text.Append(CultureInfo.InvariantCulture, $"listener {fd} {endpoint}\n");
        }

        foreach (var (fd, protocol) in Connections)
        {
            text.Append(CultureInfo.InvariantCulture, $"connection {fd} {ListenEndpoint.ProtocolName(protocol)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"state {State.Length}\n");
        return [.. Encoding.UTF8.GetBytes(text.ToString()), .. State];
    }

    /// <exception cref="FormatException">Not a manifest this build understands; the message says what is wrong.</exception>
    public static HandoverManifest Decode(ReadOnlySpan<byte> bytes)
    {
        int generation = 0;
        bool detached = false;
        int? pidFile = null;
        var listeners = new List<(int, string)>();
        var connections = new List<(int, ListenerProtocol)>();
        int offset = 0;
        bool first = true;
        while (true)
        {
            int end = bytes[offset..].IndexOf((byte)'\n');
            if (end < 0)
            {
                throw new FormatException("handover manifest is truncated (no state line)");
            }

            string line = Encoding.UTF8.GetString(bytes.Slice(offset, end));
            offset += end + 1;
            if (first)
            {
                if (line != Magic)
                {
                    throw new FormatException($"handover manifest starts with '{Truncate(line)}', not '{Magic}' (a release that cannot read it?)");
                }

                first = false;
                continue;
            }

            string[] words = line.Split(' ');
            switch (words[0])
            {
                case "generation" when words.Length == 2 && int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int g):
                    generation = g;
                    break;
                case "detached" when words.Length == 1:
                    detached = true;
                    break;
                case "pidfile" when words.Length == 2:
                    pidFile = Descriptor(words[1], line);
                    break;
                case "listener" when words.Length == 3:
                    listeners.Add((Descriptor(words[1], line), words[2]));
                    break;
                case "connection" when words.Length == 3 && ListenEndpoint.TryParseProtocol(words[2], out var protocol):
                    connections.Add((Descriptor(words[1], line), protocol));
                    break;
                case "state" when words.Length == 2 && int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int length):
                    if (bytes.Length - offset != length)
                    {
                        throw new FormatException($"handover manifest announces {length} bytes of state but has {bytes.Length - offset}");
                    }

                    return new HandoverManifest(generation, detached, pidFile, listeners, connections, bytes[offset..].ToArray());
                default:
                    throw new FormatException($"handover manifest has an unknown line '{Truncate(line)}'");
            }
        }
    }

    private static int Descriptor(string text, string line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) && fd > 2
            ? fd
            : throw new FormatException($"handover manifest line '{Truncate(line)}' names no descriptor above 2");

    private static string Truncate(string line) => line.Length <= 60 ? line : line[..60] + "...";
}
