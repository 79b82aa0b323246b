using Microsoft.Extensions.Logging;

namespace ChatDaemon.Networking;

/// <summary>
/// Logs every event of one connection inside that connection's <see cref="ConnectionScope"/>, so each
/// carries <c>ConnectionId</c> and <c>RemoteEndPoint</c>.
/// </summary>
/// <remarks>
/// Instead of one scope begun when the connection is accepted and held for its lifetime: such a scope
/// lives in the ExecutionContext of every await that follows (the provider's scope object, Serilog's
/// LogContext enricher stack and bookmark, the async-local map and the context itself, about 240 bytes),
/// so each idle connection kept one alive (bench/ANALYSIS.md "Idle connections"). This holds two
/// references and begins the scope only around an event that is actually written. It also tags an event
/// with the connection it is about, not the one whose flow logs it (a member found slow while another
/// member broadcasts).
/// </remarks>
internal sealed class ConnectionLogger(ILogger inner, ClientConnection connection) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        using (inner.BeginScope(new ConnectionScope(connection.Id, connection.RemoteEndPoint)))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
