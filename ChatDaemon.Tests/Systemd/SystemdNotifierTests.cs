using ChatDaemon.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class SystemdNotifierTests
{
    private static readonly FakeMonotonicClock Clock = new(123_456_789);

    public static TheoryData<string> Receivers => new() { "path", "abstract" };

    private static NotifySocketReceiver CreateReceiver(string kind) =>
        kind == "abstract" ? NotifySocketReceiver.Abstract() : NotifySocketReceiver.InDirectory();

    private static SystemdNotifier CreateNotifier(FakeProcessEnvironment environment) =>
        new(environment, NullLogger<SystemdNotifier>.Instance);

    [Theory]
    [MemberData(nameof(Receivers))]
    public async Task Each_notification_is_one_datagram_with_the_exact_assignments(string kind)
    {
        using var receiver = CreateReceiver(kind);
        using var notifier = CreateNotifier(new FakeProcessEnvironment().With("NOTIFY_SOCKET", receiver.NotifySocket));

        notifier.Notify(ServiceState.Ready);
        notifier.Notify(ServiceState.Status("3 clients in 1 room"), ServiceState.Watchdog);
        notifier.Notify(ServiceState.Reloading(Clock));
        notifier.Notify(ServiceState.Stopping, ServiceState.ExtendTimeout(TimeSpan.FromSeconds(7.5)));
        notifier.Notify(ServiceState.Errno(98), ServiceState.MainPid(77));

        Assert.Equal("READY=1", await receiver.ReceiveAsync());
        Assert.Equal("STATUS=3 clients in 1 room\nWATCHDOG=1", await receiver.ReceiveAsync());
        Assert.Equal("RELOADING=1\nMONOTONIC_USEC=123456789", await receiver.ReceiveAsync());
        Assert.Equal("STOPPING=1\nEXTEND_TIMEOUT_USEC=7500000", await receiver.ReceiveAsync());
        Assert.Equal("ERRNO=98\nMAINPID=77", await receiver.ReceiveAsync());
        Assert.Empty(receiver.Drain());
    }

    [Fact]
    public void Notify_socket_is_read_once_and_unset_so_children_do_not_inherit_it()
    {
        using var receiver = NotifySocketReceiver.InDirectory();
        var environment = new FakeProcessEnvironment().With("NOTIFY_SOCKET", receiver.NotifySocket);

        using var notifier = CreateNotifier(environment);

        Assert.True(notifier.IsEnabled);
        Assert.Null(environment.GetVariable("NOTIFY_SOCKET"));
        Assert.Equal(["NOTIFY_SOCKET"], environment.Unset);
    }

    [Fact]
    public void Without_notify_socket_the_notifier_is_disabled_and_silent()
    {
        using var notifier = CreateNotifier(new FakeProcessEnvironment());

        Assert.False(notifier.IsEnabled);
        notifier.Notify(ServiceState.Ready); // must not throw
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("vsock:2:1234")]
    [InlineData("@")]
    public void An_unsupported_address_disables_the_notifier(string address)
    {
        using var notifier = CreateNotifier(new FakeProcessEnvironment().With("NOTIFY_SOCKET", address));

        Assert.False(notifier.IsEnabled);
    }

    [Fact]
    public async Task A_vanished_receiver_does_not_throw_and_a_new_one_at_the_same_address_is_reached()
    {
        var receiver = NotifySocketReceiver.Abstract();
        using var notifier = CreateNotifier(new FakeProcessEnvironment().With("NOTIFY_SOCKET", receiver.NotifySocket));
        string address = receiver.NotifySocket;
        receiver.Dispose();

        notifier.Notify(ServiceState.Ready);
        notifier.Notify(ServiceState.Ready);

        using var revived = NotifySocketReceiverAt(address);
        notifier.Notify(ServiceState.Stopping);
        Assert.Equal("STOPPING=1", await revived.ReceiveAsync());
    }

    [Fact]
    public async Task Concurrent_notifications_arrive_whole()
    {
        using var receiver = NotifySocketReceiver.InDirectory();
        using var notifier = CreateNotifier(new FakeProcessEnvironment().With("NOTIFY_SOCKET", receiver.NotifySocket));

        await Parallel.ForAsync(0, 200, (i, _) =>
        {
            notifier.Notify(ServiceState.Status($"status {i}"), ServiceState.Watchdog);
            return ValueTask.CompletedTask;
        });

        var received = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            received.Add(await receiver.ReceiveAsync());
        }

        Assert.All(received, datagram => Assert.Matches(@"^STATUS=status \d+\nWATCHDOG=1$", datagram));
        Assert.Equal(200, received.Distinct().Count());
    }

    private static NotifySocketReceiver NotifySocketReceiverAt(string abstractAddress) =>
        NotifySocketReceiver.AbstractNamed(abstractAddress[1..]);
}
