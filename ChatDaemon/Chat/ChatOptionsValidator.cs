using ChatDaemon.Configuration;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Chat;

/// <summary>
/// The rules of the <c>Chat</c> section. It lives with the chat code because its rules are the chat's
/// (room names), so Configuration never depends on Chat; the composition root registers it.
/// </summary>
internal sealed class ChatOptionsValidator : IValidateOptions<ChatOptions>
{
    // The greeting is sent before the client has said anything; keep it well inside one send queue.
    internal const int MaxMotdBytes = 16 * 1024;
    internal const int MaxRestartNoticeBytes = 400;

    public ValidateOptionsResult Validate(string? name, ChatOptions options)
    {
        var failures = new List<string>();
        if (!RoomName.IsValid(options.DefaultRoom))
        {
            failures.Add($"Chat:DefaultRoom: '{options.DefaultRoom}' is not a valid room name ({RoomName.Rule})");
        }

        if (options.AnnounceMembershipUpTo < 0)
        {
            failures.Add($"Chat:AnnounceMembershipUpTo: {options.AnnounceMembershipUpTo} must be 0 (always announce) or positive");
        }

        if (options.Motd is null)
        {
            failures.Add("Chat:Motd: must be a string (empty for none)");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(options.Motd) > MaxMotdBytes)
        {
            failures.Add($"Chat:Motd: longer than {MaxMotdBytes} bytes");
        }

        if (options.RestartNotice is null || options.RestartNotice.Contains('\n', StringComparison.Ordinal) || options.RestartNotice.Contains('\r', StringComparison.Ordinal)
            || System.Text.Encoding.UTF8.GetByteCount(options.RestartNotice) > MaxRestartNoticeBytes)
        {
            failures.Add($"Chat:RestartNotice: must be one line of at most {MaxRestartNoticeBytes} bytes (empty for none)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
