using System.Runtime.InteropServices;

#pragma warning disable CS8981 // lower-case names on purpose: they mirror the C structs, as Tmds.LibC does

namespace ChatDaemon.Interop;

// Process, session, credential and signal calls used by the daemon area
// (detach, privilege drop, control commands).
public static unsafe partial class LibC
{
    public const int SIGHUP = 1;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>struct passwd from pwd.h (LP64 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct passwd
    {
        public byte* pw_name;
        public byte* pw_passwd;
        public uint pw_uid;
        public uint pw_gid;
        public byte* pw_gecos;
        public byte* pw_dir;
        public byte* pw_shell;
    }

    /// <summary>struct group from grp.h (LP64 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct group
    {
        public byte* gr_name;
        public byte* gr_passwd;
        public uint gr_gid;
        public byte** gr_mem;
    }

    [LibraryImport(libc, SetLastError = true)]
    public static partial int setsid();

    [LibraryImport(libc, SetLastError = true)]
    public static partial int getsid(int pid);

    [LibraryImport(libc)]
    internal static partial uint umask(uint mask);

    [LibraryImport(libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chdir(string path);

    [LibraryImport(libc)]
    internal static partial int getpid();

    /// <summary>execve(2): replaces this process's image; returns only on failure. The arrays end with a null pointer.</summary>
    [LibraryImport(libc, SetLastError = true)]
    internal static partial int execve(byte* pathname, byte** argv, byte** envp);

    public const int F_DUPFD_CLOEXEC = 1030;

    [LibraryImport(libc)]
    internal static partial uint getuid();

    [LibraryImport(libc)]
    internal static partial uint geteuid();

    [LibraryImport(libc)]
    internal static partial uint getgid();

    [LibraryImport(libc)]
    internal static partial uint getegid();

    [LibraryImport(libc, SetLastError = true)]
    public static partial int setuid(uint uid);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int setgid(uint gid);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int setgroups(nint size, uint* list);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int getgroups(int size, uint* list);

    [LibraryImport(libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int initgroups(string user, uint group);

    /// <summary>getpwnam_r(3): returns 0 and *result == null when the user does not exist, or an error number.</summary>
    [LibraryImport(libc, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int getpwnam_r(string name, passwd* pwd, byte* buf, nint buflen, passwd** result);

    /// <summary>getgrnam_r(3): returns 0 and *result == null when the group does not exist, or an error number.</summary>
    [LibraryImport(libc, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int getgrnam_r(string name, group* grp, byte* buf, nint buflen, group** result);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    /// <summary>pidfd_open(2), Linux 5.3, glibc 2.36.</summary>
    [LibraryImport(libc, SetLastError = true)]
    public static partial int pidfd_open(int pid, uint flags);

    /// <summary>pidfd_send_signal(2), Linux 5.1, glibc 2.36.</summary>
    [LibraryImport(libc, SetLastError = true)]
    public static partial int pidfd_send_signal(int pidfd, int sig, void* info, uint flags);
}
