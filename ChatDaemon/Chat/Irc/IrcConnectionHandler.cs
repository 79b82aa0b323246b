using System.Reflection;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Chat.Irc;

/// <summary>The IRC protocol on accepted connections: each client an <see cref="IrcSession"/> over the shared <see cref="ChatHub"/>.</summary>
public sealed class IrcConnectionHandler(ChatHub hub, ChatSettings settings, ChatLimitLog limitLog, IOptionsMonitor<IrcOptions> irc, ILogger<IrcSession> logger, TimeProvider time) : IConnectionHandler
{
    private readonly IrcSessionServices _shared = new(hub, settings, limitLog, logger, time, irc,
        typeof(IrcSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    public ProtocolSession CreateSession(ClientConnection connection) => new IrcSession(connection, _shared);

    public ProtocolSession ResumeSession(ClientConnection connection, ReadOnlyMemory<byte> savedState) =>
        SavedMemberState.Read(savedState, IrcRenderer.ProtocolNameValue, connection, logger) is { } state
            ? new IrcSession(connection, _shared, state)
            : CreateSession(connection);

    /// <summary>A refused client gets an ERROR with the reason, as IRC servers close a link (RFC 2812 section 3.7.4).</summary>
    public async ValueTask RefuseAsync(ClientConnection connection, ShutdownReason reason)
    {
        string why = reason == ShutdownReason.ServerFull ? "Server full" : "Too many connections from your address";
        await connection.SendAsync(IrcText.Line(null, "ERROR", $"Closing Link: {connection.RemoteAddress?.ToString() ?? "localhost"} ({why})")).ConfigureAwait(false);
    }
}
