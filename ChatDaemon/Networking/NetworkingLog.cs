using System.Net;
using Microsoft.Extensions.Logging;

namespace ChatDaemon.Networking;

internal static partial class NetworkingLog
{
    [LoggerMessage(EventId = 100, EventName = "ListenerBound", Level = LogLevel.Information, Message = "Listening for {Protocol} on {EndPoint}")]
    public static partial void ListenerBound(ILogger logger, string protocol, string endPoint);

    [LoggerMessage(EventId = 101, EventName = "ListenerAdopted", Level = LogLevel.Information, Message = "Listening for {Protocol} on {EndPoint} (socket passed by the service manager)")]
    public static partial void ListenerAdopted(ILogger logger, string protocol, string endPoint);

    [LoggerMessage(EventId = 102, EventName = "ListenerUnbound", Level = LogLevel.Information, Message = "Stopped listening for {Protocol} on {EndPoint}")]
    public static partial void ListenerUnbound(ILogger logger, string protocol, string endPoint);

    [LoggerMessage(EventId = 103, EventName = "ConfiguredListenersReplaced", Level = LogLevel.Information, Message = "{Count} sockets passed by the service manager replace the configured listeners")]
    public static partial void ConfiguredListenersReplaced(ILogger logger, int count);

    [LoggerMessage(EventId = 104, EventName = "AcceptFailed", Level = LogLevel.Error, Message = "Accepting on {EndPoint} failed; retrying")]
    public static partial void AcceptFailed(ILogger logger, string endPoint, Exception exception);

    [LoggerMessage(EventId = 105, EventName = "ConnectionOpened", Level = LogLevel.Debug, Message = "{Protocol} connection from {RemoteEndPoint}")]
    public static partial void ConnectionOpened(ILogger logger, string protocol, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 106, EventName = "ConnectionClosed", Level = LogLevel.Debug, Message = "Connection from {RemoteEndPoint} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, EndPoint? remoteEndPoint, ShutdownReason reason);

    [LoggerMessage(EventId = 107, EventName = "ConnectionRefused", Level = LogLevel.Warning, Message = "Refused connection from {RemoteEndPoint}: {Reason} ({Suppressed} similar refusals not logged)")]
    public static partial void ConnectionRefused(ILogger logger, EndPoint? remoteEndPoint, ShutdownReason reason, long suppressed);

    [LoggerMessage(EventId = 108, EventName = "ConnectionFailed", Level = LogLevel.Error, Message = "Connection from {RemoteEndPoint} failed unexpectedly")]
    public static partial void ConnectionFailed(ILogger logger, EndPoint? remoteEndPoint, Exception exception);

    [LoggerMessage(EventId = 109, EventName = "StoppedAccepting", Level = LogLevel.Information, Message = "Stopped accepting connections")]
    public static partial void StoppedAccepting(ILogger logger);

    [LoggerMessage(EventId = 110, EventName = "DrainStarted", Level = LogLevel.Information, Message = "Draining {Count} connections (timeout {Timeout})")]
    public static partial void DrainStarted(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(EventId = 111, EventName = "DrainCompleted", Level = LogLevel.Information, Message = "All connections drained")]
    public static partial void DrainCompleted(ILogger logger);

    [LoggerMessage(EventId = 112, EventName = "DrainTimedOut", Level = LogLevel.Warning, Message = "Drain timeout: aborting {Count} connections")]
    public static partial void DrainTimedOut(ILogger logger, int count);

    [LoggerMessage(EventId = 113, EventName = "ListenersFollowServiceManager", Level = LogLevel.Information, Message = "Listeners come from the service manager; the configured listener list is not applied")]
    public static partial void ListenersFollowServiceManager(ILogger logger);

    [LoggerMessage(EventId = 114, EventName = "SocketOptionFailed", Level = LogLevel.Debug, Message = "Could not set TCP keepalive on a connection")]
    public static partial void SocketOptionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 115, EventName = "StaleUnixSocketRemoved", Level = LogLevel.Information, Message = "Removed stale unix socket {Path}")]
    public static partial void StaleUnixSocketRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 116, EventName = "TransportLoopFault", Level = LogLevel.Error, Message = "Transport event loop fault; the connection concerned was aborted")]
    public static partial void TransportLoopFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 117, EventName = "ConnectionsHandedOver", Level = LogLevel.Information, Message = "Stopped; {Count} connections handed over, open, to the next process")]
    public static partial void ConnectionsHandedOver(ILogger logger, int count);

    [LoggerMessage(EventId = 118, EventName = "ListenerTakenOver", Level = LogLevel.Information, Message = "Listening for {Protocol} on {EndPoint} (socket kept open by the previous image of this daemon)")]
    public static partial void ListenerTakenOver(ILogger logger, string protocol, string endPoint);

    [LoggerMessage(EventId = 119, EventName = "TlsHandshakeFailed", Level = LogLevel.Debug, Message = "TLS handshake with {RemoteEndPoint} failed: {Reason}; closed")]
    public static partial void TlsHandshakeFailed(ILogger logger, System.Net.EndPoint? remoteEndPoint, string reason);

    [LoggerMessage(EventId = 120, EventName = "TlsCertificateLoaded", Level = LogLevel.Information, Message = "TLS certificate {Subject} loaded, valid until {NotAfter:u}")]
    public static partial void TlsCertificateLoaded(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 121, EventName = "TlsCertificateNotLoaded", Level = LogLevel.Error, Message = "{Reason}; the TLS listeners keep the certificate they had")]
    public static partial void TlsCertificateNotLoaded(ILogger logger, string reason);
}
