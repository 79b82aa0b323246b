using System.Runtime.InteropServices;

namespace ChatDaemon.Interop;

public static unsafe partial class LibC
{
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_TYPE = 0x1;
    public const int S_IFMT = 0xF000;
    public const int S_IFSOCK = 0xC000;

    /// <summary>statx(2); <paramref name="buffer"/> must hold a struct statx (256 bytes).</summary>
    [LibraryImport(libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string pathname, int flags, uint mask, byte* buffer);

    /// <summary>The file type bits (S_IFMT) of <paramref name="path"/>, not following a symlink; -1 if it cannot be read.</summary>
    public static int FileType(string path)
    {
        // struct statx is the same on every architecture, unlike struct stat: stx_mode is a __u16 at offset 28.
        byte* buffer = stackalloc byte[256];
        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE, buffer) != 0)
        {
            return -1;
        }

        return *(ushort*)(buffer + 28) & S_IFMT;
    }
}
