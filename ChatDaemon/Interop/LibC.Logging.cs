using System.Runtime.InteropServices;

#pragma warning disable CS8981 // lower-case type names, as in libc and Tmds.LibC

namespace ChatDaemon.Interop;

// Imports used by ChatDaemon.Logging: the journald native protocol sink (sendmsg with SCM_RIGHTS,
// memfd_create + F_ADD_SEALS, see https://systemd.io/JOURNAL_NATIVE_PROTOCOL/) and the
// JOURNAL_STREAM check of the console sink (fstat, systemd.exec(5)).
// Layouts are the Linux LP64 ones (x86_64 and aarch64 agree on every field used here).
public static unsafe partial class LibC
{
    public const int SCM_RIGHTS = 1;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;


    public const uint MFD_CLOEXEC = 0x0001;
    public const uint MFD_ALLOW_SEALING = 0x0002;

    public const int F_ADD_SEALS = 1033;
    public const int F_GET_SEALS = 1034;
    public const int F_SEAL_SEAL = 0x0001;
    public const int F_SEAL_SHRINK = 0x0002;
    public const int F_SEAL_GROW = 0x0004;
    public const int F_SEAL_WRITE = 0x0008;

    [StructLayout(LayoutKind.Sequential)]
    public struct iovec
    {
        public void* iov_base;
        public nuint iov_len;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct msghdr
    {
        public void* msg_name;
        public uint msg_namelen;
        public iovec* msg_iov;
        public nuint msg_iovlen;
        public void* msg_control;
        public nuint msg_controllen;
        public int msg_flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct cmsghdr
    {
        public nuint cmsg_len;
        public int cmsg_level;
        public int cmsg_type;
    }

    /// <summary>Only the two leading fields of struct stat; the buffer passed to fstat must be full size.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct stat_dev_ino
    {
        public ulong st_dev;
        public ulong st_ino;
    }

    /// <summary>sizeof(struct stat) is 144 on x86_64 and 128 on aarch64; callers pass this many bytes.</summary>
    public const int StatBufferSize = 256;

    [LibraryImport(libc, SetLastError = true)]
    public static partial nint sendmsg(int sockfd, msghdr* msg, int flags);

    [LibraryImport(libc, SetLastError = true)]
    public static partial nint recvmsg(int sockfd, msghdr* msg, int flags);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int memfd_create(byte* name, uint flags);

    [LibraryImport(libc, SetLastError = true)]
    public static partial int fstat(int fd, void* statbuf);
}
