using Microsoft.Extensions.Logging;

namespace ChatDaemon.Logging;

// Logs sink events through the finished logging pipeline, so a syslog outage shows up in the
// journal and a journal drop shows up in syslog. Until Attach runs, events go to SelfLog.
internal sealed class PipelineSinkEvents : ISinkEvents
{
    private ILogger? _logger;

    public void Attach(ILogger logger) => Volatile.Write(ref _logger, logger);

    public void EventsDropped(string sink, long count)
    {
        if (Volatile.Read(ref _logger) is { } logger)
        {
            LoggingLog.EventsDropped(logger, sink, count);
        }
        else
        {
            SelfLogSinkEvents.Instance.EventsDropped(sink, count);
        }
    }

    public void ConnectionLost(string sink, string endpoint, Exception error)
    {
        if (Volatile.Read(ref _logger) is { } logger)
        {
            LoggingLog.SinkConnectionLost(logger, sink, endpoint, error.Message);
        }
        else
        {
            SelfLogSinkEvents.Instance.ConnectionLost(sink, endpoint, error);
        }
    }

    public void Reconnected(string sink, string endpoint)
    {
        if (Volatile.Read(ref _logger) is { } logger)
        {
            LoggingLog.SinkReconnected(logger, sink, endpoint);
        }
        else
        {
            SelfLogSinkEvents.Instance.Reconnected(sink, endpoint);
        }
    }
}
