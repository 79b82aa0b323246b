namespace ChatDaemon.Networking;

/// <summary>How a connection failure is reported: only <see cref="Unexpected"/> is an error in the log.</summary>
public enum ConnectionErrorKind
{
    /// <summary>The network or the peer broke the connection: reset, broken pipe, timeout.</summary>
    Reset,

    /// <summary>We aborted it ourselves (slow client, drain timeout) or the server is stopping.</summary>
    Aborted,

    /// <summary>Anything else: a bug or a resource problem worth an error with its stack trace.</summary>
    Unexpected,
}
