using ChatDaemon.CommandLine;
using ChatDaemon.Hosting;
using ChatDaemon.Networking;

namespace ChatDaemon.Tests.Hosting;

public class BindFailureExitCodeTests
{
    [Theory]
    [InlineData(ListenerBindFailure.AddressInUse, ExitCodes.Unavailable)]
    [InlineData(ListenerBindFailure.InheritedSocketMisconfigured, ExitCodes.Config)]
    [InlineData(ListenerBindFailure.AccessDenied, ExitCodes.OsError)]
    [InlineData(ListenerBindFailure.AddressNotAvailable, ExitCodes.OsError)]
    [InlineData(ListenerBindFailure.Other, ExitCodes.OsError)]
    public void Each_bind_failure_ends_the_process_with_its_sysexits_code(ListenerBindFailure failure, int exitCode) =>
        Assert.Equal(exitCode, BindFailureExitCode.Of(failure));

    [Fact]
    public void The_documented_numbers_stay()
    {
        // README "Command line" and deploy/: 64 bad command line, 69 port in use, 71 other bind failure, 78 configuration.
        Assert.Equal(64, ExitCodes.Usage);
        Assert.Equal(69, BindFailureExitCode.Of(ListenerBindFailure.AddressInUse));
        Assert.Equal(71, BindFailureExitCode.Of(ListenerBindFailure.Other));
        Assert.Equal(78, ExitCodes.Config);
        Assert.Equal(77, ExitCodes.NoPermission);
        Assert.Equal((0, 1, 3, 4, 7), (ExitCodes.Success, ExitCodes.StatusDeadWithPidFile, ExitCodes.StatusNotRunning, ExitCodes.StatusUnknown, ExitCodes.NotRunning));
    }
}
