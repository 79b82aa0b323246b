using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Hosting;

/// <summary>
/// The sockets systemd passed, as listeners: <c>FileDescriptorName=</c> (systemd.socket(5)) says the
/// protocol, <c>chat</c>, <c>irc</c> or <c>echo</c>, or <c>chat+tls</c> or <c>irc+tls</c> for the same over TLS. A socket unit's default name (the unit name, "NAME.socket")
/// and sd_listen_fds_with_names(3)'s "unknown" mean chat; any other name is a startup error.
/// </summary>
internal sealed class ServiceManagerListeners(ISystemdSocketActivation activation) : IInheritedListeners
{
    private IReadOnlyList<ListenEndpoint>? _endpoints;

    public IReadOnlyList<ListenEndpoint> Endpoints => _endpoints ??= activation.Sockets.Select(ToEndpoint).ToList();

    private static ListenEndpoint ToEndpoint(SystemdListenSocket socket)
    {
        ListenerProtocol protocol;
        bool tls = false;
        if (socket.Name == SystemdListenSocket.UnknownName || socket.Name.EndsWith(".socket", StringComparison.Ordinal))
        {
            protocol = ListenerProtocol.Chat;
        }
        else if (!ListenEndpoint.TryParseListenerName(socket.Name, out protocol, out tls))
        {
            throw new ListenerBindException(
                $"socket {socket.FileDescriptor} passed by systemd is named '{socket.Name}'; set FileDescriptorName=chat, FileDescriptorName=irc or FileDescriptorName=echo in its socket unit",
                ListenerBindFailure.InheritedSocketMisconfigured);
        }

        return new ListenEndpoint(protocol, new FileHandleEndPoint((ulong)socket.FileDescriptor, FileHandleType.Auto), tls);
    }
}
