using System.Buffers;
using ChatDaemon.Networking;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat;

/// <summary>The chat protocol on accepted connections.</summary>
public sealed class ChatConnectionHandler(ChatHub hub, ChatSettings settings, ChatLimitLog limitLog, ILogger<ChatSession> logger, TimeProvider time) : IConnectionHandler
{
    private readonly ChatSessionServices _shared = new(hub, settings, limitLog, logger, time);

    public ProtocolSession CreateSession(ClientConnection connection) => new ChatSession(connection, _shared);

    public async ValueTask RefuseAsync(ClientConnection connection, ShutdownReason reason)
    {
        await connection.SendAsync(reason == ShutdownReason.ServerFull ? ChatText.ServerFull : ChatText.TooManyFromAddress).ConfigureAwait(false);
    }
}
