namespace ChatDaemon.Logging.Journal;

// The outcome of handing one entry to journald.
internal enum JournalSendResult
{
    Sent,

    // The socket buffer was full (EAGAIN); the entry was not sent rather than block.
    WouldBlock,

    // journald is not there or refused the entry (ENOENT, ECONNREFUSED, ...).
    Failed,
}
