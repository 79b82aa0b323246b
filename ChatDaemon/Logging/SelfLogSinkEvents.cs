using Serilog.Debugging;

namespace ChatDaemon.Logging;

// Sink events written to Serilog's SelfLog, for sinks configured outside the entry point.
internal sealed class SelfLogSinkEvents : ISinkEvents
{
    public static SelfLogSinkEvents Instance { get; } = new();

    public void EventsDropped(string sink, long count) =>
        SelfLog.WriteLine("{0} sink dropped {1} log events", sink, count);

    public void ConnectionLost(string sink, string endpoint, Exception error) =>
        SelfLog.WriteLine("{0} sink lost {1}: {2}", sink, endpoint, error.Message);

    public void Reconnected(string sink, string endpoint) =>
        SelfLog.WriteLine("{0} sink reconnected to {1}", sink, endpoint);
}
