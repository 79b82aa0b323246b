using ChatDaemon.Networking;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Chat;

/// <summary>
/// Reads the state an earlier process saved for an adopted connection, for the protocol that adopts it: a state
/// that does not decode, or is another protocol's, is logged once with the reason and the client is served anew.
/// </summary>
internal static class SavedMemberState
{
    /// <summary>The state if it is <paramref name="protocol"/>'s and decodes; null (logged) otherwise.</summary>
    public static MemberState? Read(ReadOnlyMemory<byte> saved, string protocol, ClientConnection connection, ILogger logger)
    {
        try
        {
            var state = MemberStateCodec.Decode(saved.Span);
            if (state.Protocol == protocol)
            {
                return state;
            }

            ChatLog.MemberStateUnusable(logger, connection.RemoteEndPoint?.ToString() ?? "?", $"it is state of a {state.Protocol} member");
        }
        catch (MemberStateFormatException exception)
        {
            ChatLog.MemberStateUnusable(logger, connection.RemoteEndPoint?.ToString() ?? "?", exception.Message);
        }

        return null;
    }
}
