namespace ChatDaemon.Daemon;

/// <summary>
/// Environment variables the detaching parent passes to the re-launched child. They are our own:
/// reusing NOTIFY_SOCKET would make the child believe it runs under systemd.
/// </summary>
internal static class DetachEnvironment
{
    /// <summary>Path of the parent's unix datagram socket; its presence marks the detached child.</summary>
    public const string ReadySocket = "CHATDAEMON_DETACH_READY_SOCKET";

    /// <summary>The directory the operator started from; the child itself runs in "/" (restart re-uses it).</summary>
    public const string OriginalDirectory = "CHATDAEMON_ORIGINAL_CWD";
}
