using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// Several named users in the lobby, each having seen every later user arrive and take its nick,
/// so a test starts from quiet connections.
/// </summary>
public sealed class ChatUsers : IAsyncDisposable
{
    private readonly List<LineClient> _clients = new();

    public LineClient this[int index] => _clients[index];

    public static async Task<ChatUsers> ConnectAsync(int port, params string[] nicks)
    {
        var users = new ChatUsers();
        foreach (string nick in nicks)
        {
            var client = await (await LineClient.ConnectAsync(port)).WithNickAsync(nick);
            foreach (var earlier in users._clients)
            {
                await earlier.ReadUntilAsync(l => l.EndsWith($" is now known as {nick}", StringComparison.Ordinal));
            }

            users._clients.Add(client);
        }

        return users;
    }

    public void Deconstruct(out LineClient first, out LineClient second)
    {
        first = _clients[0];
        second = _clients[1];
    }

    public void Deconstruct(out LineClient first, out LineClient second, out LineClient third)
    {
        (first, second) = this;
        third = _clients[2];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }
}
