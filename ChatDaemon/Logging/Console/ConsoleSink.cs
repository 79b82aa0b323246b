using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace ChatDaemon.Logging.Console;

// Writes events to stderr from a background task. A pipe to journald or a terminal can block when
// the reader is slow; the caller only enqueues into a bounded queue and a full queue counts a drop,
// so the chat path never waits on stderr.
internal sealed class ConsoleSink : ILogEventSink, IDisposable
{
    public const string Name = "Console";

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    private readonly Stream _output;
    private readonly IConsoleLineFormatter _formatter;
    private readonly ISinkEvents _events;
    private readonly BoundedEventQueue _queue;
    private readonly Task _drain;

    public ConsoleSink(Stream output, IConsoleLineFormatter formatter, ISinkEvents events, int queueLimit = 10_000)
    {
        _output = output;
        _formatter = formatter;
        _events = events;
        _queue = new BoundedEventQueue(queueLimit);
        _drain = Task.Run(DrainAsync);
    }

    public void Emit(LogEvent logEvent) => _queue.Enqueue(logEvent);

    public void Dispose()
    {
        _queue.Complete();
        _drain.Wait(FlushTimeout);
    }

    private async Task DrainAsync()
    {
        using var buffer = new PooledByteBuffer();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var logEvent))
            {
                // Neither a value whose rendering throws nor a closed stderr may stop this task.
                try
                {
                    buffer.Clear();
                    _formatter.Format(logEvent, buffer);
                    _output.Write(buffer.WrittenSpan);
                }
                catch (Exception error)
                {
                    _queue.Drops.Add();
                    SelfLog.WriteLine("Console sink could not write an event: {0}", error.Message);
                }
            }

            try
            {
                _output.Flush();
            }
            catch (IOException)
            {
            }

            if (_queue.Drops.Pending > 0 && _queue.Drops.Take() is var dropped and > 0)
            {
                _events.EventsDropped(Name, dropped);
            }
        }
    }
}
