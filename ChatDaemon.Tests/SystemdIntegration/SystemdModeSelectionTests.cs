namespace ChatDaemon.Tests.SystemdIntegration;

public sealed class SystemdModeSelectionTests
{
    [Theory]
    [InlineData(null, true, SystemdMode.Running)]
    [InlineData(null, false, SystemdMode.Own)]
    [InlineData("", true, SystemdMode.Running)]
    [InlineData("own", true, SystemdMode.Own)]
    [InlineData("running", false, SystemdMode.Running)]
    public void The_running_systemd_is_driven_when_it_is_pid_1_unless_a_mode_is_forced(string? forced, bool systemdIsPid1, SystemdMode expected) =>
        Assert.Equal(expected, SystemdModeSelection.Select(forced, systemdIsPid1));

    [Fact]
    public void An_unknown_forced_mode_is_an_error_not_a_guess()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => SystemdModeSelection.Select("host", true));

        Assert.Contains("CHATDAEMON_TEST_SYSTEMD=host", ex.Message);
    }
}
