using Xunit;
using System.Net.Sockets;
using System.Text;
using ChatDaemon.Logging;
using ChatDaemon.Logging.Journal;
using Microsoft.Win32.SafeHandles;
using Serilog.Events;
using ChatDaemon.Interop;

namespace ChatDaemon.Tests.Logging;

public sealed unsafe class JournalSocketTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("journal-test").FullName;
    private readonly string _path;
    private readonly Socket _journald;

    public JournalSocketTests()
    {
        _path = Path.Combine(_directory, "socket");
        _journald = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _journald.Bind(new UnixDomainSocketEndPoint(_path));
        _journald.ReceiveTimeout = 5000;
    }

    public void Dispose()
    {
        _journald.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Each_event_arrives_as_one_datagram_of_native_protocol_fields()
    {
        using var sink = new JournalSink(new JournalSocket(_path), new JournalEntryFormatter("chatdaemon", 3), new RecordingSinkEvents());

        sink.Emit(TestLogEvents.Create(LogEventLevel.Warning, "Server full ({Limit})", [("Limit", 100)]));

        var datagram = new byte[65536];
        var length = _journald.Receive(datagram);
        Assert.Equal(
            "PRIORITY=4\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=chatdaemon\nMESSAGE=Server full (100)\nLIMIT=100\n",
            Encoding.UTF8.GetString(datagram, 0, length));
    }

    [Fact]
    public void An_entry_too_big_for_a_datagram_arrives_as_a_sealed_memfd()
    {
        // A small send buffer makes the kernel answer EMSGSIZE, as it does for entries over
        // net.core.wmem_max with the default buffer.
        using var sink = new JournalSink(new JournalSocket(_path, sendBufferSize: 4096),
            new JournalEntryFormatter("chatdaemon", 3), new RecordingSinkEvents());
        var big = new string('x', 100_000);

        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "{Big}", [("Big", big)]));

        var (payloadLength, fd) = ReceiveWithDescriptor();
        Assert.Equal(0, payloadLength);
        Assert.True(fd >= 0, "no descriptor came with the datagram");
        using var memfd = new SafeFileHandle(fd, ownsHandle: true);
        var seals = LibC.fcntl(fd, LibC.F_GET_SEALS, 0);
        Assert.Equal(LibC.F_SEAL_SEAL | LibC.F_SEAL_SHRINK | LibC.F_SEAL_GROW | LibC.F_SEAL_WRITE, seals);
        var content = new byte[RandomAccess.GetLength(memfd)];
        RandomAccess.Read(memfd, content, 0);
        Assert.Equal(
            $"PRIORITY=6\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=chatdaemon\nMESSAGE={big}\nBIG={big}\n",
            Encoding.UTF8.GetString(content));
    }

    [Fact]
    public void A_full_journal_socket_drops_without_blocking_and_reports_the_count_once_it_drains()
    {
        var events = new RecordingSinkEvents();
        using var sink = new JournalSink(new JournalSocket(_path), new JournalEntryFormatter("chatdaemon", 3), events);
        var logEvent = TestLogEvents.Create(LogEventLevel.Information, "{Text}", [("Text", new string('y', 2000))]);

        // Nobody reads, so the receive queue fills (net.unix.max_dgram_qlen / SO_RCVBUF); every
        // Emit must still return at once.
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 5000; i++)
        {
            sink.Emit(logEvent);
        }

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"5000 emits took {started.Elapsed}");
        Assert.Empty(events.Dropped);

        var received = DrainReceiveQueue();
        sink.Emit(logEvent);

        var dropped = Assert.Single(events.Dropped);
        Assert.Equal(JournalSink.Name, dropped.Sink);
        Assert.Equal(5000 - received, dropped.Count);
    }

    [Fact]
    public void After_journald_restarts_entries_reach_its_new_socket()
    {
        using var sink = new JournalSink(new JournalSocket(_path), new JournalEntryFormatter("chatdaemon", 3), new RecordingSinkEvents());
        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "before"));
        var buffer = new byte[65536];
        Assert.Contains("MESSAGE=before\n", Encoding.UTF8.GetString(buffer, 0, _journald.Receive(buffer)));

        _journald.Dispose();
        File.Delete(_path);
        using var restarted = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        restarted.Bind(new UnixDomainSocketEndPoint(_path));
        restarted.ReceiveTimeout = 5000;
        sink.Emit(TestLogEvents.Create(LogEventLevel.Information, "after"));

        Assert.Contains("MESSAGE=after\n", Encoding.UTF8.GetString(buffer, 0, restarted.Receive(buffer)));
    }

    [Fact]
    public void Without_journald_an_entry_fails_without_throwing()
    {
        using var socket = new JournalSocket(Path.Combine(_directory, "absent"));

        Assert.Equal(JournalSendResult.Failed, socket.Send("MESSAGE=x\n"u8));
    }

    private int DrainReceiveQueue()
    {
        var buffer = new byte[65536];
        var count = 0;
        while (_journald.Available > 0 || _journald.Poll(0, SelectMode.SelectRead))
        {
            _journald.Receive(buffer);
            count++;
        }

        return count;
    }

    private (int PayloadLength, int Fd) ReceiveWithDescriptor()
    {
        Assert.True(_journald.Poll(5_000_000, SelectMode.SelectRead), "nothing arrived");
        var payload = stackalloc byte[16];
        var control = stackalloc byte[64];
        var iov = new LibC.iovec { iov_base = payload, iov_len = 16 };
        var message = new LibC.msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = 64 };
        var received = LibC.recvmsg((int)_journald.Handle, &message, LibC.MSG_CMSG_CLOEXEC);
        Assert.True(received >= 0, $"recvmsg failed: errno {LibC.errno}");

        var header = (LibC.cmsghdr*)control;
        if (message.msg_controllen < (nuint)sizeof(LibC.cmsghdr)
            || header->cmsg_level != LibC.SOL_SOCKET || header->cmsg_type != LibC.SCM_RIGHTS)
        {
            return ((int)received, -1);
        }

        return ((int)received, *(int*)(control + sizeof(LibC.cmsghdr)));
    }
}
