namespace ChatDaemon.Chat.Irc;

/// <summary>
/// IRC wildcard masks (RFC 2812 section 2.5): '*' stands for any run of characters, '?' for exactly one; letters
/// compare without regard to ASCII case, as nicks and channels do here (CASEMAPPING=ascii).
/// </summary>
internal static class IrcMask
{
    public static bool HasWildcards(string mask) => mask.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Whether <paramref name="text"/> matches <paramref name="mask"/> as a whole.</summary>
    public static bool Matches(string mask, string text)
    {
        // Greedy matching with one backtrack point (the last '*' seen): linear in practice, and no recursion, so a
        // hostile mask such as "*a*a*a*a*b" cannot make it exponential.
        int m = 0, t = 0, starMask = -1, starText = 0;
        while (t < text.Length)
        {
            if (m < mask.Length && mask[m] == '*')
            {
                starMask = m++;
                starText = t;
            }
            else if (m < mask.Length && (mask[m] == '?' || char.ToLowerInvariant(mask[m]) == char.ToLowerInvariant(text[t]) && char.IsAscii(text[t])
                || mask[m] == text[t]))
            {
                m++;
                t++;
            }
            else if (starMask >= 0)
            {
                m = starMask + 1;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }

        while (m < mask.Length && mask[m] == '*')
        {
            m++;
        }

        return m == mask.Length;
    }
}
