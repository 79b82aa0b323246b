namespace ChatDaemon.Networking.Epoll;

/// <summary>What a <see cref="ReceiveBuffer"/> tells the connection that fills it.</summary>
internal interface IReceiveBufferOwner
{
    /// <summary>The reader made room in a buffer that was full: receive again.</summary>
    void ResumeReceiving();

    /// <summary>The reader is done: stop receiving.</summary>
    void ReaderCompleted();
}
