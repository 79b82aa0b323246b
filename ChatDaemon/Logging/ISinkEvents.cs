namespace ChatDaemon.Logging;

// What a sink has to say about itself (drops, lost and regained connections). The sinks never log
// through ILogger directly because they are built before the logger exists; the entry point hands
// them a PipelineSinkEvents that logs through the finished pipeline.
internal interface ISinkEvents
{
    void EventsDropped(string sink, long count);

    void ConnectionLost(string sink, string endpoint, Exception error);

    void Reconnected(string sink, string endpoint);
}
