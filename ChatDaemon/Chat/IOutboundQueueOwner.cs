using ChatDaemon.Networking;

namespace ChatDaemon.Chat;

/// <summary>The client an <see cref="OutboundQueue"/> sends to, and what the queue asks of it.</summary>
public interface IOutboundQueueOwner
{
    ClientConnection Connection { get; }

    /// <summary>The limit in force now (a reload may change it).</summary>
    SendQueueLimit SendQueueLimit { get; }

    TimeProvider Time { get; }

    /// <summary>
    /// The client stayed over its limit past the grace while its socket took no more: disconnect it. Called at
    /// most once per queue, from whichever thread noticed (a broadcaster, or the grace timer).
    /// </summary>
    void OnSlowClient();
}
