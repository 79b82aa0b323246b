using ChatDaemon.Chat;
using ChatDaemon.Interop;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace ChatDaemon.Hosting;

/// <summary>
/// The members' state kept in systemd's file descriptor store while the daemon runs, so that even a crash
/// (or a watchdog kill) brings every kept client back with its nick and rooms: a memfd stored once, to which
/// each change is appended as a <see cref="MemberStateFile"/> record (systemd's duplicate shares the file, so
/// nothing is sent again). When the appended records outgrow twice what they say, the file is compacted in
/// place. A restart replaces the contents with the full states the server handed over (output not yet sent,
/// input not yet handled) once the members stopped changing (<see cref="Freeze"/>).
/// </summary>
internal sealed class KeptMemberStates(KeptConnections keeper, IFileDescriptorStore store, ILogger<KeptMemberStates> logger) : IMemberObserver, IDisposable
{
    /// <summary>The name the state is kept under; never polled for a hangup (FDPOLL=0: a memfd has none).</summary>
    internal const string StateName = FileDescriptorName.KeptPrefix + "state";

    private const long CompactAbove = 1024 * 1024;

    private readonly Lock _gate = new();
    private SafeFileHandle? _file;
    private long _length;
    private long _compactAt = CompactAbove;
    private bool _frozen;

    public bool IsKeeping => _file is not null;

    /// <summary>Creates the file (empty but for its header) and puts it in the store, in place of an older one.</summary>
    public bool Start()
    {
        var file = CreateMemfd();
        if (file is null)
        {
            return false;
        }

        byte[] header = MemberStateFile.Header();
        RandomAccess.Write(file, header, 0);
        store.Remove(StateName);
        if (!store.Store(StateName, file, pollForHangup: false))
        {
            file.Dispose();
            return false;
        }

        lock (_gate)
        {
            _file = file;
            _length = header.Length;
        }

        return true;
    }

    public void Changed(ChatMember member) => Append(member, departed: false);

    public void Departed(ChatMember member) => Append(member, departed: true);

    /// <summary>From now on changes are not written: the members are about to be handed over, then leave this process.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _frozen = true;
        }
    }

    /// <summary>Replaces the contents with <paramref name="contents"/> (a whole <see cref="MemberStateFile"/>).</summary>
    public bool Replace(byte[] contents)
    {
        lock (_gate)
        {
            if (_file is null)
            {
                return false;
            }

            RandomAccess.Write(_file, contents, 0);
            RandomAccess.SetLength(_file, contents.Length);
            _length = contents.Length;
            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void Append(ChatMember member, bool departed)
    {
        if (_file is null || member.Connection is not { } connection || keeper.NameOf(connection) is not { } key)
        {
            return;
        }

        // Nick, rooms and the protocol's attributes: what a crash can keep. Output and unhandled input are saved at a restart.
        byte[] record = departed
            ? MemberStateFile.Record(key, null)
            : MemberStateFile.Record(key, new MemberState
            {
                Protocol = member.Renderer.ProtocolName,
                Nick = member.Nick,
                Rooms = member.Rooms.Select(r => r.Name).ToArray(),
                LinesSent = member.LinesSent,
                Attributes = member.Attributes ?? new Dictionary<string, string>(),
            });
        lock (_gate)
        {
            if (_file is null || _frozen)
            {
                return;
            }

            try
            {
                RandomAccess.Write(_file, record, _length);
                _length += record.Length;
                if (_length > _compactAt)
                {
                    Compact();
                }
            }
            catch (IOException exception)
            {
                HostingLog.StateProblem(logger, $"cannot write the kept state: {exception.Message}; a crash now loses nicks and rooms");
                _file.Dispose();
                _file = null;
            }
        }
    }

    // Under the gate: the last record of each member, written again from the start.
    private void Compact()
    {
        var bytes = new byte[_length];
        int read = RandomAccess.Read(_file!, bytes, 0);
        var contents = MemberStateFile.Read(bytes.AsSpan(0, read));
        byte[] compacted = MemberStateFile.Write(contents.Members);
        RandomAccess.Write(_file!, compacted, 0);
        RandomAccess.SetLength(_file!, compacted.Length);
        _length = compacted.Length;
        _compactAt = Math.Max(CompactAbove, 2 * _length);
    }

    private unsafe SafeFileHandle? CreateMemfd()
    {
        int fd;
        fixed (byte* name = "chatdaemon-state\0"u8)
        {
            fd = LibC.memfd_create(name, LibC.MFD_CLOEXEC);
        }

        if (fd < 0)
        {
            HostingLog.StateProblem(logger, $"memfd_create failed (errno {LibC.errno}); a restart brings clients back as new guests");
            return null;
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }
}
