namespace ChatDaemon.Chat;

/// <summary>
/// A protocol's wording of <see cref="ChatMessage"/>s: the bytes its clients are sent. A broadcast asks each
/// renderer once, however many of its members receive it (see <see cref="ChatMessage.RenderFor"/>).
/// </summary>
public interface IChatRenderer
{
    /// <summary>The protocol's name in a member's saved state (<see cref="MemberState.Protocol"/>).</summary>
    string ProtocolName { get; }

    byte[] Render(ChatMessage message);
}
