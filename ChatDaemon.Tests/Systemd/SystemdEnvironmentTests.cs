using ChatDaemon.Systemd;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class SystemdEnvironmentTests
{
    [Fact]
    public void A_plain_process_is_not_a_systemd_service() =>
        Assert.False(SystemdEnvironment.IsSystemdService(new FakeProcessEnvironment(100)));

    [Fact]
    public void Notify_socket_marks_a_service() =>
        Assert.True(SystemdEnvironment.IsSystemdService(new FakeProcessEnvironment(100).With("NOTIFY_SOCKET", "/run/systemd/notify")));

    [Theory]
    [InlineData("SYSTEMD_EXEC_PID", "100", true)]
    [InlineData("SYSTEMD_EXEC_PID", "99", false)]
    [InlineData("LISTEN_PID", "100", true)]
    [InlineData("LISTEN_PID", "99", false)]
    [InlineData("LISTEN_PID", "abc", false)]
    [InlineData("LISTEN_PID", "+100", false)]
    public void Pid_variables_mark_a_service_only_when_they_name_us(string variable, string value, bool expected) =>
        Assert.Equal(expected, SystemdEnvironment.IsSystemdService(new FakeProcessEnvironment(100).With(variable, value)));
}
