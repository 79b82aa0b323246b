using System.Buffers;

namespace ChatDaemon.Chat.Irc;

/// <summary>
/// The user name an IRC client gives in USER, as shown in "nick!user@host": at most <see cref="MaxLength"/>
/// of letters, digits, '_', '-' and '.', with '~' in front as servers do when no ident (RFC 1413) vouched for it.
/// </summary>
internal static class IrcUser
{
    /// <summary>USERLEN in RPL_ISUPPORT.</summary>
    public const int MaxLength = 10;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    /// <summary>What is shown for <paramref name="given"/>: its allowed characters, cut to the length, "~" in front; "~user" when none is left.</summary>
    public static string FromGiven(string given)
    {
        var kept = new string(given.Where(c => c < 128 && Allowed.Contains(c)).Take(MaxLength).ToArray());
        return "~" + (kept.Length == 0 ? "user" : kept);
    }

    /// <summary>Whether <paramref name="user"/> is a name <see cref="FromGiven"/> could have made (a restored state is checked).</summary>
    public static bool IsValid(string? user) =>
        user is ['~', _, ..] && user.Length <= MaxLength + 1 && !user.AsSpan(1).ContainsAnyExcept(Allowed);
}
