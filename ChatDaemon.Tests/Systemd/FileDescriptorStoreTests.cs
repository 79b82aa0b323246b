using System.Net.Sockets;
using System.Text;
using ChatDaemon.Interop;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace ChatDaemon.Tests.Systemd;

/// <summary>The store's side of FDSTORE=1 against a real AF_UNIX datagram socket playing systemd.</summary>
public sealed unsafe class FileDescriptorStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatdaemon-fdstore-").FullName;
    private readonly Socket _manager = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly FileDescriptorStore _store;

    public FileDescriptorStoreTests()
    {
        var endPoint = new UnixDomainSocketEndPoint(Path.Combine(_directory, "notify"));
        _manager.Bind(endPoint);
        _store = new FileDescriptorStore(endPoint, NullLogger<FileDescriptorStore>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        _manager.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>What systemd reads: the datagram's text and the descriptors that came with it (owned by the caller).</summary>
    private (string Text, List<SafeFileHandle> Descriptors) Receive()
    {
        Assert.True(_manager.Poll(TimeSpan.FromSeconds(10), SelectMode.SelectRead), "no datagram arrived");
        byte[] buffer = new byte[4096];
        byte* control = stackalloc byte[256];
        fixed (byte* data = buffer)
        {
            var iov = new LibC.iovec { iov_base = data, iov_len = (nuint)buffer.Length };
            var message = new LibC.msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = 256 };
            nint length = LibC.recvmsg((int)_manager.Handle, &message, LibC.MSG_CMSG_CLOEXEC);
            Assert.True(length >= 0, $"recvmsg failed: errno {LibC.errno}");
            var descriptors = new List<SafeFileHandle>();
            if (message.msg_controllen > 0)
            {
                var header = (LibC.cmsghdr*)control;
                Assert.Equal(LibC.SOL_SOCKET, header->cmsg_level);
                Assert.Equal(LibC.SCM_RIGHTS, header->cmsg_type);
                int count = (int)((header->cmsg_len - (nuint)sizeof(LibC.cmsghdr)) / sizeof(int));
                for (int i = 0; i < count; i++)
                {
                    descriptors.Add(new SafeFileHandle(((int*)(control + sizeof(LibC.cmsghdr)))[i], ownsHandle: true));
                }
            }

            return (Encoding.ASCII.GetString(buffer, 0, (int)length), descriptors);
        }
    }

    [Fact]
    public void A_stored_descriptor_reaches_the_manager_as_SCM_RIGHTS_under_its_name()
    {
        string path = Path.Combine(_directory, "kept");
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        Assert.True(_store.Store("~client-7", file));

        var (text, descriptors) = Receive();
        Assert.Equal("FDSTORE=1\nFDNAME=~client-7", text);
        var received = Assert.Single(descriptors);
        using (received)
        {
            var identity = FileIdentity.OfDescriptor((int)received.DangerousGetHandle());
            Assert.NotNull(identity);
            Assert.True(identity.Value.SameFileAs(FileIdentity.OfPath(path)!.Value), "the manager got a descriptor of another file");
        }
    }

    [Fact]
    public void A_descriptor_stored_without_polling_says_FDPOLL_0()
    {
        using var file = File.OpenHandle(Path.Combine(_directory, "kept"), FileMode.Create, FileAccess.ReadWrite);
        Assert.True(_store.Store("~state", file, pollForHangup: false));
        var (text, descriptors) = Receive();
        Assert.Equal("FDSTORE=1\nFDNAME=~state\nFDPOLL=0", text);
        Assert.Single(descriptors).Dispose();
    }

    [Fact]
    public void Remove_sends_FDSTOREREMOVE_with_the_name_and_no_descriptor()
    {
        Assert.True(_store.Remove("~client-7"));
        var (text, descriptors) = Receive();
        Assert.Equal("FDSTOREREMOVE=1\nFDNAME=~client-7", text);
        Assert.Empty(descriptors);
    }

    [Fact]
    public void Without_a_manager_the_store_is_disabled_and_sends_nothing()
    {
        using var store = new FileDescriptorStore(null, NullLogger<FileDescriptorStore>.Instance);
        using var file = File.OpenHandle(Path.Combine(_directory, "kept"), FileMode.Create, FileAccess.ReadWrite);
        Assert.False(store.IsEnabled);
        Assert.False(store.Store("~client-1", file));
        Assert.False(store.Remove("~client-1"));
    }

    [Fact]
    public void A_manager_that_went_away_makes_a_store_fail_without_throwing_and_a_new_one_is_found_again()
    {
        string path = Path.Combine(_directory, "gone");
        var endPoint = new UnixDomainSocketEndPoint(path);
        using var store = new FileDescriptorStore(endPoint, NullLogger<FileDescriptorStore>.Instance);
        Assert.False(store.Remove("~client-1"));

        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(endPoint);
        Assert.True(store.Remove("~client-1"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("tab\there")]
    [InlineData("ümlaut")]
    public void A_name_systemd_would_refuse_is_refused_before_anything_is_sent(string name)
    {
        Assert.False(FileDescriptorName.IsValid(name));
        using var file = File.OpenHandle(Path.Combine(_directory, "kept"), FileMode.Create, FileAccess.ReadWrite);
        Assert.Throws<ArgumentException>(() => _store.Store(name, file));
        Assert.Equal(0, _manager.Available);
    }

    [Fact]
    public void A_name_without_the_kept_prefix_is_refused_so_it_cannot_come_back_as_a_listener()
    {
        using var file = File.OpenHandle(Path.Combine(_directory, "kept"), FileMode.Create, FileAccess.ReadWrite);
        var ex = Assert.Throws<ArgumentException>(() => _store.Store("client-7", file));
        Assert.Contains("starting with '~'", ex.Message);
    }

    [Fact]
    public void Names_are_up_to_255_printable_characters()
    {
        Assert.True(FileDescriptorName.IsValid(new string('x', 255)));
        Assert.False(FileDescriptorName.IsValid(new string('x', 256)));
        Assert.True(FileDescriptorName.IsValid("client-12345"));
    }
}
