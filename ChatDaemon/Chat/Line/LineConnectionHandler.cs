using ChatDaemon.Networking;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat.Line;

/// <summary>The line protocol on accepted connections: each client a <see cref="LineSession"/> over the shared <see cref="ChatHub"/>.</summary>
public sealed class LineConnectionHandler(ChatHub hub, ChatSettings settings, ChatLimitLog limitLog, ILogger<LineSession> logger, TimeProvider time) : IConnectionHandler
{
    private readonly LineSessionServices _shared = new(hub, settings, limitLog, logger, time);

    public ProtocolSession CreateSession(ClientConnection connection) => new LineSession(connection, _shared);

    /// <summary>A session for an adopted connection, carrying on from <paramref name="state"/>.</summary>
    public LineSession RestoreSession(ClientConnection connection, MemberState state) => new(connection, _shared, state);

    public ProtocolSession ResumeSession(ClientConnection connection, ReadOnlyMemory<byte> savedState) =>
        SavedMemberState.Read(savedState, LineSession.ProtocolName, connection, logger) is { } state
            ? RestoreSession(connection, state)
            : CreateSession(connection);

    public async ValueTask RefuseAsync(ClientConnection connection, ShutdownReason reason)
    {
        await connection.SendAsync(reason == ShutdownReason.ServerFull ? LineText.ServerFull : LineText.TooManyFromAddress).ConfigureAwait(false);
    }
}
