using ChatDaemon.CommandLine;
using ChatDaemon.Networking;

namespace ChatDaemon.Hosting;

/// <summary>
/// The exit code of a start that failed to bind a listener. Decided here, not in Networking, which
/// knows why a bind failed but not what the process should tell its caller about it.
/// </summary>
public static class BindFailureExitCode
{
    public static int Of(ListenerBindFailure failure) => failure switch
    {
        // sysexits(3): EX_UNAVAILABLE for a port someone else holds, EX_CONFIG for a socket unit that
        // must change, EX_OSERR for the rest.
        ListenerBindFailure.AddressInUse => ExitCodes.Unavailable,
        ListenerBindFailure.InheritedSocketMisconfigured => ExitCodes.Config,
        _ => ExitCodes.OsError,
    };
}
