using System.Net.Sockets;

namespace ChatDaemon.Systemd;

/// <summary>
/// A listening stream socket passed in by systemd socket activation (sd_listen_fds(3)).
/// Adopt it without binding, e.g. with Kestrel's <c>new FileHandleEndPoint((ulong)FileDescriptor, FileHandleType.Auto)</c>.
/// </summary>
/// <param name="FileDescriptor">The inherited descriptor: 3 (SD_LISTEN_FDS_START) for the first, then consecutive. Close-on-exec is set.</param>
/// <param name="Name">
/// The socket unit's FileDescriptorName= (systemd.socket(5)); without one systemd passes the socket unit's
/// name (e.g. "chatdaemon.socket"), and "unknown" when LISTEN_FDNAMES is absent altogether.
/// </param>
/// <param name="AddressFamily">InterNetwork, InterNetworkV6 or Unix (SO_DOMAIN).</param>
public sealed record SystemdListenSocket(int FileDescriptor, string Name, AddressFamily AddressFamily)
{
    /// <summary>SD_LISTEN_FDS_START: the first passed descriptor.</summary>
    public const int FirstFileDescriptor = 3;

    /// <summary>The name sd_listen_fds_with_names(3) reports when LISTEN_FDNAMES is not set.</summary>
    public const string UnknownName = "unknown";
}
