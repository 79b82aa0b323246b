namespace ChatDaemon.Networking;

/// <summary>A listener could not be bound; <see cref="Failure"/> says why, the message says it for the operator.</summary>
public sealed class ListenerBindException(string message, ListenerBindFailure failure, Exception? inner = null) : Exception(message, inner)
{
    public ListenerBindFailure Failure { get; } = failure;
}
