using System.Globalization;

namespace ChatDaemon.Systemd;

/// <summary>
/// Parses LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES the way sd_listen_fds_with_names(3) does.
/// </summary>
internal static class ListenFdsVariables
{
    /// <summary>
    /// Upper bound on passed descriptors. Socket units pass a few, but the file descriptor store passes back
    /// what it kept (systemd.service(5) FileDescriptorStoreMax=: one per client connection), so the bound is
    /// the kernel's own per-process ceiling (fs.nr_open, 1,048,576 by default), not a guess at a sane count.
    /// </summary>
    private const int MaxDescriptors = 1024 * 1024;

    /// <summary>
    /// Returns (descriptor, name) pairs meant for <paramref name="ourPid"/>; empty when the variables are
    /// absent or addressed to another process (inherited from a parent that did not unset them).
    /// </summary>
    /// <exception cref="SystemdSocketActivationException">A value is malformed, or LISTEN_FDNAMES does not have one name per descriptor.</exception>
    public static IReadOnlyList<(int FileDescriptor, string Name)> Parse(
        string? listenPid, string? listenFds, string? listenFdNames, int ourPid, out bool forAnotherProcess)
    {
        forAnotherProcess = false;
        if (listenPid is null || listenFds is null)
        {
            return [];
        }

        if (!int.TryParse(listenPid, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
        {
            throw new SystemdSocketActivationException($"LISTEN_PID=\"{listenPid}\" is not a process id.");
        }

        if (pid != ourPid)
        {
            forAnotherProcess = true;
            return [];
        }

        if (!int.TryParse(listenFds, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count > MaxDescriptors)
        {
            throw new SystemdSocketActivationException($"LISTEN_FDS=\"{listenFds}\" is not a descriptor count (0-{MaxDescriptors}).");
        }

        string[] names;
        if (listenFdNames is null)
        {
            names = Enumerable.Repeat(SystemdListenSocket.UnknownName, count).ToArray();
        }
        else
        {
            // systemd joins FileDescriptorName= values with ':' (names cannot contain one, systemd.socket(5)).
            names = count == 0 && listenFdNames.Length == 0 ? [] : listenFdNames.Split(':');
            if (names.Length != count)
            {
                throw new SystemdSocketActivationException(
                    $"LISTEN_FDNAMES=\"{listenFdNames}\" names {names.Length} descriptor(s) but LISTEN_FDS={count}.");
            }
        }

        var result = new (int, string)[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = (SystemdListenSocket.FirstFileDescriptor + i, names[i]);
        }

        return result;
    }
}
