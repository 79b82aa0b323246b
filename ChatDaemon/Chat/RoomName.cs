namespace ChatDaemon.Chat;

/// <summary>Room rules: like nicks, 1 to 32 of A-Z a-z 0-9 _ -, compared regardless of case.</summary>
public static class RoomName
{
    public const int MaxLength = 32;

    public const string Rule = "1 to 32 of A-Z a-z 0-9 _ -";

    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    public static bool IsValid(string? name) => ChatName.IsValid(name, MaxLength);
}
