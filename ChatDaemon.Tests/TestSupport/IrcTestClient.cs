using System.Text;

namespace ChatDaemon.Tests.TestSupport;

/// <summary>
/// A minimal IRC client for tests: registers with NICK and USER and reads to the end of the welcome burst;
/// lines are read raw (":source COMMAND params"), so tests see exactly what a real client would parse.
/// </summary>
public sealed class IrcTestClient : IAsyncDisposable
{
    private readonly LineClient _line;

    private IrcTestClient(LineClient line, string nick)
    {
        _line = line;
        Nick = nick;
    }

    public string Nick { get; }

    public List<string> Received => _line.Received;

    /// <summary>Connects without registering.</summary>
    public static async Task<IrcTestClient> ConnectUnregisteredAsync(int port) =>
        new(await LineClient.ConnectAsync(port, readGreeting: false), "");

    /// <summary>Connects and registers as <paramref name="nick"/>; returns once the welcome burst ended (376 or 422).</summary>
    public static async Task<IrcTestClient> ConnectAsync(int port, string nick)
    {
        var line = await LineClient.ConnectAsync(port, readGreeting: false);
        var client = new IrcTestClient(line, nick);
        await client.SendAsync($"NICK {nick}");
        await client.SendAsync($"USER {nick} 0 * :{nick} in a test");
        await client.ReadUntilAsync(l => Command(l) is "376" or "422");
        return client;
    }

    public Task SendAsync(string line) => _line.SendRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"));

    public Task SendRawAsync(byte[] bytes) => _line.SendRawAsync(bytes);

    public Task<string> ReadLineAsync(TimeSpan? timeout = null) => _line.ReadLineAsync(timeout);

    public Task<string?> TryReadLineAsync(TimeSpan? timeout = null) => _line.TryReadLineAsync(timeout);

    public Task<string> ReadUntilAsync(Func<string, bool> match, TimeSpan? timeout = null) => _line.ReadUntilAsync(match, timeout);

    /// <summary>Reads until a line with <paramref name="command"/> (a name or a numeric) comes; returns it.</summary>
    public Task<string> ReadCommandAsync(string command, TimeSpan? timeout = null) => _line.ReadUntilAsync(l => Command(l) == command, timeout);

    public Task AssertNothingPendingAsync() => _line.AssertNothingPendingAsync();

    /// <summary>The command or numeric of a server line (the word after the ":source").</summary>
    public static string Command(string line)
    {
        var words = line.Split(' ');
        return line.StartsWith(':') ? (words.Length > 1 ? words[1] : "") : words[0];
    }

    public ValueTask DisposeAsync() => _line.DisposeAsync();
}
