using System.Collections;
using System.Net;

namespace ChatDaemon.Networking;

/// <summary>
/// The logging scope of one connection: every event logged while serving it carries
/// <c>ConnectionId</c> and <c>RemoteEndPoint</c> (journald fields CONNECTION_ID, REMOTE_END_POINT).
/// </summary>
internal sealed class ConnectionScope(string connectionId, EndPoint? remoteEndPoint) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("ConnectionId", connectionId),
        1 => new("RemoteEndPoint", remoteEndPoint?.ToString()),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public int Count => 2;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"ConnectionId:{connectionId} RemoteEndPoint:{remoteEndPoint}";
}
