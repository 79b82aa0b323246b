namespace ChatDaemon.Chat;

/// <summary>
/// A protocol's wording of <see cref="ChatMessage"/>s: the bytes its clients are sent. A broadcast asks each
/// renderer once, however many of its members receive it (see <see cref="ChatMessage.RenderFor"/>).
/// </summary>
public interface IChatRenderer
{
    byte[] Render(ChatMessage message);
}
