namespace ChatDaemon.Networking;

/// <summary>Why a listener could not be bound; the host decides what each means for the process (its exit code).</summary>
public enum ListenerBindFailure
{
    /// <summary>EADDRINUSE: someone else holds the address.</summary>
    AddressInUse,

    /// <summary>EACCES: e.g. a port below 1024 without CAP_NET_BIND_SERVICE.</summary>
    AccessDenied,

    /// <summary>EADDRNOTAVAIL: the address is not one of this host's.</summary>
    AddressNotAvailable,

    /// <summary>A socket passed by the service manager cannot be used as it is set up (its unit must change).</summary>
    InheritedSocketMisconfigured,

    /// <summary>Any other error of the system call.</summary>
    Other,
}
