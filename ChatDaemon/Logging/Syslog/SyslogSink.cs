using System.Diagnostics;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace ChatDaemon.Logging.Syslog;

// Sends events to a syslog receiver without ever blocking the caller: Emit only
// puts the event into a bounded queue (or counts a drop when it is full); a background task
// formats, frames and sends, reconnecting with exponential backoff while the receiver is down.
internal sealed class SyslogSink : ILogEventSink, IDisposable
{
    public const string Name = "Syslog";

    private readonly ISyslogFormatter _formatter;
    private readonly ISyslogTransport _transport;
    private readonly FramingType _framing;
    private readonly SyslogQueueSettings _settings;
    private readonly ISinkEvents _events;
    private readonly BoundedEventQueue _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _drain;

    public SyslogSink(ISyslogFormatter formatter, ISyslogTransport transport, FramingType framing,
        SyslogQueueSettings settings, ISinkEvents events)
    {
        _formatter = formatter;
        _transport = transport;
        _framing = framing;
        _settings = settings;
        _events = events;
        _queue = new BoundedEventQueue(settings.QueueLimit);
        _drain = Task.Run(DrainAsync);
    }

    public void Emit(LogEvent logEvent) => _queue.Enqueue(logEvent);

    public void Dispose()
    {
        _queue.Complete();
        if (!_drain.Wait(_settings.FlushTimeout))
        {
            _stop.Cancel();
            try
            {
                _drain.Wait(TimeSpan.FromSeconds(1));
            }
            catch (AggregateException)
            {
            }
        }

        _transport.Dispose();
        _stop.Dispose();
    }

    private async Task DrainAsync()
    {
        using var message = new PooledByteBuffer();
        using var frame = new PooledByteBuffer();
        var reader = _queue.Reader;
        var cancellationToken = _stop.Token;
        var delay = _settings.MinReconnectDelay;
        var lost = false;
        var lastDropReport = Stopwatch.GetTimestamp();

        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryPeek(out var logEvent))
                {
                    if (!TryFormat(logEvent, message, frame, out var payload))
                    {
                        reader.TryRead(out _);
                        continue;
                    }

                    while (true)
                    {
                        try
                        {
                            if (!_transport.IsConnected)
                            {
                                await _transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
                                if (lost)
                                {
                                    lost = false;
                                    _events.Reconnected(Name, _transport.Endpoint);
                                }
                            }

                            await _transport.SendAsync(payload, cancellationToken).ConfigureAwait(false);
                            delay = _settings.MinReconnectDelay;
                            break;
                        }
                        catch (Exception error) when (error is not OperationCanceledException)
                        {
                            _transport.Disconnect();
                            if (!lost)
                            {
                                lost = true;
                                _events.ConnectionLost(Name, _transport.Endpoint, error);
                            }

                            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _settings.MaxReconnectDelay.Ticks));
                        }
                    }

                    reader.TryRead(out _);

                    // Drops are reported once they stop (the queue has drained), and while they
                    // go on at most once per DropReportInterval.
                    if (_queue.Drops.Pending > 0
                        && (reader.Count == 0 || Stopwatch.GetElapsedTime(lastDropReport) >= _settings.DropReportInterval)
                        && _queue.Drops.Take() is var dropped and > 0)
                    {
                        lastDropReport = Stopwatch.GetTimestamp();
                        _events.EventsDropped(Name, dropped);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // A value whose rendering throws must not stop the background task: that event is skipped.
    private bool TryFormat(LogEvent logEvent, PooledByteBuffer message, PooledByteBuffer frame, out ReadOnlyMemory<byte> payload)
    {
        try
        {
            message.Clear();
            _formatter.Format(logEvent, message);
            message.Truncate(Utf8Truncation.SafeLength(message.WrittenSpan, _settings.MaxMessageBytes));
            if (!_transport.IsStream)
            {
                payload = message.WrittenMemory;
                return true;
            }

            frame.Clear();
            SyslogFraming.Write(frame, message.WrittenSpan, _framing);
            payload = frame.WrittenMemory;
            return true;
        }
        catch (Exception error)
        {
            SelfLog.WriteLine("Syslog sink could not format an event: {0}", error);
            payload = default;
            return false;
        }
    }
}
