using ChatDaemon.Configuration;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Chat;

/// <summary>
/// The current chat and limits options, as plain fields swapped when a reload applies new ones,
/// so the per-message path reads a field instead of asking <see cref="IOptionsMonitor{T}"/>.
/// </summary>
public sealed class ChatSettings : IDisposable
{
    private readonly IDisposable? _chatSubscription;
    private readonly IDisposable? _limitsSubscription;
    private volatile ChatOptions _chat;
    private volatile LimitsOptions _limits;

    public ChatSettings(IOptionsMonitor<ChatOptions> chat, IOptionsMonitor<LimitsOptions> limits)
    {
        _chat = chat.CurrentValue;
        _limits = limits.CurrentValue;
        _chatSubscription = chat.OnChange(value => _chat = value);
        _limitsSubscription = limits.OnChange(value => _limits = value);
    }

    public ChatOptions Chat => _chat;

    public LimitsOptions Limits => _limits;

    public void Dispose()
    {
        _chatSubscription?.Dispose();
        _limitsSubscription?.Dispose();
    }
}
