namespace ChatDaemon.Interop;

/// <summary>
/// Device and inode of a file, to tell whether a descriptor still refers to the file a path names
/// (statx(2); the same struct on every architecture, unlike struct stat).
/// </summary>
internal readonly record struct FileIdentity(uint DevMajor, uint DevMinor, ulong Inode, uint LinkCount, ushort Mode)
{
    public bool IsSocket => (Mode & LibC.S_IFMT) == LibC.S_IFSOCK;

    public bool IsRegularFile => (Mode & LibC.S_IFMT) == LibC.S_IFREG;

    public bool SameFileAs(FileIdentity other) =>
        DevMajor == other.DevMajor && DevMinor == other.DevMinor && Inode == other.Inode;

    public static unsafe FileIdentity? OfDescriptor(int fd)
    {
        LibC.statx_t st;
        return LibC.statx(fd, "", LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, (byte*)&st) == 0 ? From(st) : null;
    }

    /// <summary>Identity of the path itself (symlinks are not followed), or null when it does not exist.</summary>
    public static unsafe FileIdentity? OfPath(string path)
    {
        LibC.statx_t st;
        return LibC.statx(LibC.AT_FDCWD, path, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, (byte*)&st) == 0 ? From(st) : null;
    }

    private static FileIdentity From(in LibC.statx_t st) =>
        new(st.stx_dev_major, st.stx_dev_minor, st.stx_ino, st.stx_nlink, st.stx_mode);
}
