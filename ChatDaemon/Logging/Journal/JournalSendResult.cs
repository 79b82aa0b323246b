namespace ChatDaemon.Logging.Journal;

/// <summary>The outcome of handing one entry to journald.</summary>
internal enum JournalSendResult
{
    Sent,

    /// <summary>The socket buffer was full (EAGAIN); the entry was not sent rather than block.</summary>
    WouldBlock,

    /// <summary>journald is not there or refused the entry (ENOENT, ECONNREFUSED, ...).</summary>
    Failed,
}
