using Serilog.Core;
using Serilog.Events;

namespace ChatDaemon.Logging.Journal;

// Sends each event as one journald native-protocol entry. The send is a non-blocking local
// syscall made on the caller's thread; when journald is behind (EAGAIN) or absent the entry is
// dropped and counted, and the count is reported once sends succeed again.
internal sealed class JournalSink : ILogEventSink, IDisposable
{
    public const string Name = "Journal";

    private readonly JournalSocket _socket;
    private readonly JournalEntryFormatter _formatter;
    private readonly ISinkEvents _events;
    private readonly DropCounter _drops = new();

    public JournalSink(JournalSocket socket, JournalEntryFormatter formatter, ISinkEvents events)
    {
        _socket = socket;
        _formatter = formatter;
        _events = events;
    }

    public void Emit(LogEvent logEvent)
    {
        JournalSendResult result;
        using (var buffer = new PooledByteBuffer())
        {
            _formatter.Format(logEvent, buffer);
            result = _socket.Send(buffer.WrittenSpan);
        }

        if (result != JournalSendResult.Sent)
        {
            _drops.Add();
            return;
        }

        // Reported after the buffer is returned: the report is logged through the pipeline and
        // comes back into Emit on this thread.
        if (_drops.Pending > 0 && _drops.Take() is var dropped and > 0)
        {
            _events.EventsDropped(Name, dropped);
        }
    }

    public void Dispose() => _socket.Dispose();
}
