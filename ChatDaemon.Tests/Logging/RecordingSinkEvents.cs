using Xunit;
using System.Collections.Concurrent;
using ChatDaemon.Logging;

namespace ChatDaemon.Tests.Logging;

internal sealed class RecordingSinkEvents : ISinkEvents
{
    public ConcurrentQueue<(string Sink, long Count)> DroppedQueue { get; } = new();

    public ConcurrentQueue<string> Lost { get; } = new();

    public ConcurrentQueue<string> Regained { get; } = new();

    public IReadOnlyList<(string Sink, long Count)> Dropped => DroppedQueue.ToArray();

    public void EventsDropped(string sink, long count) => DroppedQueue.Enqueue((sink, count));

    public void ConnectionLost(string sink, string endpoint, Exception error) => Lost.Enqueue(endpoint);

    public void Reconnected(string sink, string endpoint) => Regained.Enqueue(endpoint);
}
