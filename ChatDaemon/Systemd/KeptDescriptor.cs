namespace ChatDaemon.Systemd;

/// <summary>
/// A descriptor that came back from systemd's file descriptor store (systemd.service(5)
/// <c>FileDescriptorStoreMax=</c>): passed in LISTEN_FDS after the socket units' own, under the name it was
/// stored with, which starts with <see cref="FileDescriptorName.KeptPrefix"/>. The process owns it now.
/// </summary>
public sealed record KeptDescriptor(int FileDescriptor, string Name);
