using System.Globalization;
using ChatDaemon.Interop;

namespace ChatDaemon.Logging.Console;

// Whether stderr is connected to the journal. systemd.exec(5) $JOURNAL_STREAM: systemd sets it to
// "device:inode" of the stream socket it connected stdout/stderr to; if stderr's fstat(2) matches,
// stderr still goes to journald (it was not redirected by a shell or the service itself).
internal static class JournalStream
{
    public const string VariableName = "JOURNAL_STREAM";

    public static bool IsStandardErrorJournal() =>
        TryGetDeviceAndInode(2, out var device, out var inode)
        && Matches(Environment.GetEnvironmentVariable(VariableName), device, inode);

    public static bool Matches(string? journalStream, ulong device, ulong inode)
    {
        if (string.IsNullOrEmpty(journalStream))
        {
            return false;
        }

        var colon = journalStream.IndexOf(':');
        return colon > 0
            && ulong.TryParse(journalStream.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var expectedDevice)
            && ulong.TryParse(journalStream.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var expectedInode)
            && expectedDevice == device
            && expectedInode == inode;
    }

    public static unsafe bool TryGetDeviceAndInode(int fd, out ulong device, out ulong inode)
    {
        var buffer = stackalloc byte[LibC.StatBufferSize];
        if (LibC.fstat(fd, buffer) != 0)
        {
            device = inode = 0;
            return false;
        }

        var stat = (LibC.stat_dev_ino*)buffer;
        device = stat->st_dev;
        inode = stat->st_ino;
        return true;
    }
}
