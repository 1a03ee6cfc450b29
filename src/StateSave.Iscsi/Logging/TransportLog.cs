using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Logging;

/// <summary>Transport log messages. Event IDs 300–399 are reserved for the transport; never renumber one.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 300, EventName = "ListenerStarted", Level = LogLevel.Information,
        Message = "Listening on {LocalEndPoint}")]
    public static partial void ListenerStarted(ILogger logger, EndPoint localEndPoint);

    [LoggerMessage(EventId = 301, EventName = "ListenerStopped", Level = LogLevel.Information,
        Message = "Stopped listening on {LocalEndPoint}")]
    public static partial void ListenerStopped(ILogger logger, EndPoint localEndPoint);

    [LoggerMessage(EventId = 302, EventName = "ConnectionAccepted", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} accepted from {RemoteEndPoint} on {LocalEndPoint}")]
    public static partial void ConnectionAccepted(ILogger logger, string connectionId, EndPoint? remoteEndPoint, EndPoint? localEndPoint);

    [LoggerMessage(EventId = 303, EventName = "ConnectionConnected", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} connected from {LocalEndPoint} to {RemoteEndPoint}")]
    public static partial void ConnectionConnected(ILogger logger, string connectionId, EndPoint? localEndPoint, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 304, EventName = "ConnectionClosed", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} closed: {EndReason} {EndMessage}")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, ConnectionEndReason endReason, string? endMessage);

    [LoggerMessage(EventId = 305, EventName = "ConnectionAborted", Level = LogLevel.Information,
        Message = "Connection {ConnectionId} aborted: {AbortReason}")]
    public static partial void ConnectionAborted(ILogger logger, string connectionId, string abortReason, Exception? exception);

    [LoggerMessage(EventId = 306, EventName = "SocketError", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} socket error {SocketError}")]
    public static partial void SocketError(ILogger logger, string connectionId, SocketError socketError, Exception exception);

    [LoggerMessage(EventId = 307, EventName = "TransportError", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} transport error ({EndReason})")]
    public static partial void TransportError(ILogger logger, string connectionId, ConnectionEndReason endReason, Exception exception);

    [LoggerMessage(EventId = 308, EventName = "DrainTimedOut", Level = LogLevel.Information,
        Message = "Connection {ConnectionId} did not drain its output within {DrainTimeout}; aborting")]
    public static partial void DrainTimedOut(ILogger logger, string connectionId, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 309, EventName = "ConnectFailed", Level = LogLevel.Debug,
        Message = "Connecting to {RemoteEndPoint} failed")]
    public static partial void ConnectFailed(ILogger logger, EndPoint remoteEndPoint, Exception exception);

    [LoggerMessage(EventId = 310, EventName = "AcceptFailed", Level = LogLevel.Warning,
        Message = "Accepting on {LocalEndPoint} failed")]
    public static partial void AcceptFailed(ILogger logger, EndPoint localEndPoint, Exception exception);
}
