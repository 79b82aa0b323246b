using System.Buffers;

namespace ChatDaemon.Chat;

/// <summary>The character set nicks and room names share: ASCII only, so they can never carry control or look-alike characters.</summary>
internal static class ChatName
{
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    public static bool IsValid(string? name, int maxLength) =>
        !string.IsNullOrEmpty(name) && name.Length <= maxLength && !name.AsSpan().ContainsAnyExcept(Allowed);
}
