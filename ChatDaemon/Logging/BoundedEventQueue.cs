using System.Threading.Channels;
using Serilog.Events;

namespace ChatDaemon.Logging;

// The queue between a sink's Emit and the background task that writes its events. A slow reader
// (a full stderr pipe, a syslog receiver that is down) must never make the logging caller wait, so
// an event that finds the queue full is counted in Drops instead; the sink reports the count later.
internal sealed class BoundedEventQueue
{
    private readonly Channel<LogEvent> _channel;

    public BoundedEventQueue(int limit)
    {
        _channel = Channel.CreateBounded<LogEvent>(new BoundedChannelOptions(limit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of blocking
        });
    }

    public ChannelReader<LogEvent> Reader => _channel.Reader;

    public DropCounter Drops { get; } = new();

    public void Enqueue(LogEvent logEvent)
    {
        if (!_channel.Writer.TryWrite(logEvent))
        {
            Drops.Add();
        }
    }

    // No event is accepted after this; the reader sees the end once the queued events are read.
    public void Complete() => _channel.Writer.TryComplete();
}
