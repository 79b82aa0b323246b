namespace ChatDaemon.Systemd;

/// <summary>
/// The rule for a name given with <c>FDNAME=</c> (sd_pid_notify_with_fds(3)): 1 to 255 characters, no
/// control characters and no ':' (the separator of LISTEN_FDNAMES). systemd refuses a message with an
/// invalid name and keeps none of its descriptors, so names are checked before they are sent.
/// </summary>
public static class FileDescriptorName
{
    /// <summary>FDNAME_MAX in systemd's fdname_is_valid().</summary>
    public const int MaxLength = 255;

    /// <summary>
    /// What the names of descriptors this process puts in the store start with: when they come back in
    /// LISTEN_FDNAMES, the prefix tells them from the socket units' listeners (whose names a unit's
    /// <c>FileDescriptorName=</c> sets, and must not start with it). One character: every stored descriptor's
    /// name is in that one variable, and execve(2) refuses a variable over 128 KiB (MAX_ARG_STRLEN; systemd
    /// then fails the start with 203/EXEC), so names are kept short.
    /// </summary>
    public const string KeptPrefix = "~";

    /// <summary>The longest LISTEN_FDNAMES execve(2) takes (MAX_ARG_STRLEN, 32 pages), less its "LISTEN_FDNAMES=" and NUL.</summary>
    public const int MaxNamesLength = (32 * 4096) - 16;

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            // systemd checks bytes: printable ASCII only, so a name is the same in every locale.
            if (c is < ' ' or > '~' or ':')
            {
                return false;
            }
        }

        return true;
    }
}
