namespace ChatDaemon.Networking;

/// <summary>
/// A transport's direct send path: bytes go to the socket from the caller's thread, with no copy into
/// an output pipe and no hop to a transport thread. One send at a time per connection.
/// </summary>
public interface IConnectionSendFeature
{
    /// <summary>
    /// Sends all of <paramref name="data"/>, which must stay untouched until the returned task completes;
    /// false once the connection was aborted or disposed. A failing socket throws a
    /// <see cref="System.Net.Sockets.SocketException"/>.
    /// </summary>
    ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data);
}
