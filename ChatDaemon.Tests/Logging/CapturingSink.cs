using Xunit;
using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace ChatDaemon.Tests.Logging;

internal sealed class CapturingSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
}
