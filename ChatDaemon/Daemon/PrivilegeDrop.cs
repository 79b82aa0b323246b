using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ChatDaemon.CommandLine;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>
/// Switches a root process to an unprivileged user once its listeners are bound, in the order
/// setgroups(2), setgid(2), setuid(2) (setuid first would lose the right to change groups), and
/// then proves that root cannot be regained. glibc applies set*id to every thread of the process
/// (nptl "setxid" broadcast, see setuid(2) NOTES), which matters for .NET's thread pool; the
/// verification checks every thread in /proc/self/task.
/// </summary>
public static class PrivilegeDrop
{
    /// <summary>The identity the process ends up with.</summary>
    public sealed record Identity(string User, uint Uid, uint Gid, IReadOnlyList<uint> Groups);

    /// <summary>
    /// Drops to <paramref name="user"/> (name or numeric uid) and <paramref name="group"/> (name or numeric gid;
    /// default: the user's primary group). Without --group the supplementary groups are the user's
    /// (initgroups(3)); with --group they are exactly that group.
    /// </summary>
    /// <exception cref="StartupException">When any step fails; the process must not continue.</exception>
    public static unsafe Identity Apply(string user, string? group)
    {
        var (userName, uid, primaryGid) = ResolveUser(user);
        var gid = group is null ? primaryGid : ResolveGroup(group);

        if (LibC.geteuid() != 0)
        {
            if (LibC.geteuid() == uid && LibC.getuid() == uid && LibC.getegid() == gid)
                return new Identity(userName, uid, gid, CurrentGroups());
            throw new StartupException($"--user {user} needs the daemon to be started as root (euid is {LibC.geteuid()})", ExitCodes.NoPermission);
        }

        if (group is null)
        {
            if (LibC.initgroups(userName, gid) != 0)
                throw Failed($"initgroups({userName}, {gid})");
        }
        else
        {
            var list = stackalloc uint[1] { gid };
            if (LibC.setgroups(1, list) != 0)
                throw Failed($"setgroups([{gid}])");
        }

        if (LibC.setgid(gid) != 0)
            throw Failed($"setgid({gid})");
        if (LibC.setuid(uid) != 0)
            throw Failed($"setuid({uid})");

        Verify(uid, gid);
        return new Identity(userName, uid, gid, CurrentGroups());
    }

    private static void Verify(uint uid, uint gid)
    {
        if (LibC.getuid() != uid || LibC.geteuid() != uid)
            throw new StartupException($"uid is {LibC.getuid()}/{LibC.geteuid()} after setuid({uid})", ExitCodes.OsError);
        if (LibC.getgid() != gid || LibC.getegid() != gid)
            throw new StartupException($"gid is {LibC.getgid()}/{LibC.getegid()} after setgid({gid})", ExitCodes.OsError);
        if (uid != 0 && LibC.setuid(0) == 0)
            throw new StartupException("root privileges could be regained after the drop (setuid(0) succeeded)", ExitCodes.NoPermission);

        // Every thread must have switched (see the class comment); a thread left as root would be a hole.
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(Path.Combine(task, "status"));
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }

            foreach (var line in lines)
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal) && !line.StartsWith("Gid:", StringComparison.Ordinal))
                    continue;
                var expected = line[0] == 'U' ? uid : gid;
                var ids = line[4..].Split('\t', StringSplitOptions.RemoveEmptyEntries);
                if (ids.Any(id => uint.Parse(id, CultureInfo.InvariantCulture) != expected))
                    throw new StartupException($"thread {Path.GetFileName(task)} still has '{line}' after the privilege drop", ExitCodes.OsError);
            }
        }
    }

    internal static unsafe (string Name, uint Uid, uint Gid) ResolveUser(string user)
    {
        var size = 1024;
        while (true)
        {
            var buffer = new byte[size];
            LibC.passwd pwd;
            LibC.passwd* result;
            int rc;
            fixed (byte* b = buffer)
            {
                rc = LibC.getpwnam_r(user, &pwd, b, buffer.Length, &result);
                if (rc == 0 && result != null)
                    return (Marshal.PtrToStringUTF8((nint)pwd.pw_name)!, pwd.pw_uid, pwd.pw_gid);
            }

            if (rc == LibC.ERANGE && size < 1 << 20)
            {
                size *= 4;
                continue;
            }

            if (rc != 0)
                throw new StartupException($"cannot look up user '{user}': {Marshal.GetPInvokeErrorMessage(rc)}", ExitCodes.OsError);

            // A numeric --user that has no passwd entry is still a valid uid (e.g. in containers).
            if (uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
                return (user, numeric, numeric);
            throw new StartupException($"unknown user '{user}'", ExitCodes.Config);
        }
    }

    internal static unsafe uint ResolveGroup(string group)
    {
        var size = 1024;
        while (true)
        {
            var buffer = new byte[size];
            LibC.group grp;
            LibC.group* result;
            int rc;
            fixed (byte* b = buffer)
            {
                rc = LibC.getgrnam_r(group, &grp, b, buffer.Length, &result);
                if (rc == 0 && result != null)
                    return grp.gr_gid;
            }

            if (rc == LibC.ERANGE && size < 1 << 20)
            {
                size *= 4;
                continue;
            }

            if (rc != 0)
                throw new StartupException($"cannot look up group '{group}': {Marshal.GetPInvokeErrorMessage(rc)}", ExitCodes.OsError);
            if (uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
                return numeric;
            throw new StartupException($"unknown group '{group}'", ExitCodes.Config);
        }
    }

    internal static unsafe IReadOnlyList<uint> CurrentGroups()
    {
        var count = LibC.getgroups(0, null);
        if (count <= 0)
            return [];
        var list = new uint[count];
        fixed (uint* p = list)
            count = LibC.getgroups(count, p);
        return count < 0 ? [] : list[..count];
    }

    private static StartupException Failed(string call) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(LibC.errno)}", ExitCodes.OsError);

    internal static string Describe(IReadOnlyList<uint> groups)
    {
        var text = new StringBuilder("[");
        text.AppendJoin(',', groups);
        return text.Append(']').ToString();
    }
}
