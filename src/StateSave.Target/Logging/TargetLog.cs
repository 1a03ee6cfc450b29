using System.Net;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Target.Logging;

/// <summary>Log events of the iSCSI target (event IDs 500-599; see docs in specs/iscsi-target.md).</summary>
internal static partial class TargetLog
{
    [LoggerMessage(EventId = 500, EventName = "PortalListening", Level = LogLevel.Information,
        Message = "Listening on {EndPoint} (portal group {PortalGroupTag})")]
    public static partial void PortalListening(ILogger logger, EndPoint endPoint, ushort portalGroupTag);

    [LoggerMessage(EventId = 501, EventName = "ConnectionAccepted", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} accepted from {RemoteEndPoint}")]
    public static partial void ConnectionAccepted(ILogger logger, string connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 502, EventName = "LoginSucceeded", Level = LogLevel.Information,
        Message = "{SessionType} session TSIH {Tsih} of {InitiatorName} (ISID {Isid}) logged in to {TargetName}; HeaderDigest={HeaderDigest} DataDigest={DataDigest} MaxRecvDataSegmentLength={MaxRecvDataSegmentLength}")]
    public static partial void LoginSucceeded(ILogger logger, SessionType sessionType, ushort tsih, string initiatorName, Isid isid, string? targetName,
        DigestType headerDigest, DigestType dataDigest, int maxRecvDataSegmentLength);

    [LoggerMessage(EventId = 503, EventName = "LoginFailed", Level = LogLevel.Warning,
        Message = "Login from {InitiatorName} on connection {ConnectionId} failed with status {Status}: {Reason}")]
    public static partial void LoginFailed(ILogger logger, string? initiatorName, string connectionId, LoginStatus status, string reason);

    [LoggerMessage(EventId = 504, EventName = "SessionReinstated", Level = LogLevel.Information,
        Message = "Session TSIH {Tsih} of {InitiatorName} (ISID {Isid}) is reinstated by a new login")]
    public static partial void SessionReinstated(ILogger logger, ushort tsih, string initiatorName, Isid isid);

    [LoggerMessage(EventId = 505, EventName = "SessionClosed", Level = LogLevel.Information,
        Message = "Session TSIH {Tsih} of {InitiatorName} closed: {Reason}")]
    public static partial void SessionClosed(ILogger logger, ushort tsih, string initiatorName, string reason);

    [LoggerMessage(EventId = 506, EventName = "ConnectionEnded", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 507, EventName = "PduRejected", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: rejected a PDU ({RejectReason}): {Detail}")]
    public static partial void PduRejected(ILogger logger, string connectionId, RejectReason rejectReason, string detail);

    [LoggerMessage(EventId = 508, EventName = "ProtocolErrorDropped", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: protocol error, dropping the connection: {Detail}")]
    public static partial void ProtocolErrorDropped(ILogger logger, string connectionId, string detail);

    [LoggerMessage(EventId = 509, EventName = "CommandCompleted", Level = LogLevel.Trace,
        Message = "ITT 0x{InitiatorTaskTag:x8} opcode 0x{OperationCode:x2} LUN {Lun}: {Result}")]
    public static partial void CommandCompleted(ILogger logger, uint initiatorTaskTag, byte operationCode, LogicalUnitNumber lun, ScsiCommandResult result);

    [LoggerMessage(EventId = 510, EventName = "TaskManagement", Level = LogLevel.Information,
        Message = "Session TSIH {Tsih}: {Function} on LUN {Lun} (referenced ITT 0x{ReferencedTaskTag:x8}) -> {Response}")]
    public static partial void TaskManagement(ILogger logger, ushort tsih, TaskManagementFunction function, LogicalUnitNumber lun, uint referencedTaskTag, TaskManagementResponse response);

    [LoggerMessage(EventId = 511, EventName = "NopInTimeout", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: no NOP-Out answered the ping within {Timeout}; dropping the connection")]
    public static partial void NopInTimeout(ILogger logger, string connectionId, TimeSpan timeout);

    [LoggerMessage(EventId = 512, EventName = "DeviceServerFault", Level = LogLevel.Error,
        Message = "The device server threw for ITT 0x{InitiatorTaskTag:x8} opcode 0x{OperationCode:x2}; answered HARDWARE ERROR")]
    public static partial void DeviceServerFault(ILogger logger, uint initiatorTaskTag, byte operationCode, Exception exception);

    [LoggerMessage(EventId = 513, EventName = "CommandOutsideWindow", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId}: CmdSN {CmdSN} outside [{ExpCmdSN}, {MaxCmdSN}]; silently ignored (RFC 7143 §4.2.2.1)")]
    public static partial void CommandOutsideWindow(ILogger logger, string connectionId, uint cmdSN, uint expCmdSN, uint maxCmdSN);

    [LoggerMessage(EventId = 514, EventName = "DataOutError", Level = LogLevel.Warning,
        Message = "ITT 0x{InitiatorTaskTag:x8}: {Detail}; the command ends with CHECK CONDITION")]
    public static partial void DataOutError(ILogger logger, uint initiatorTaskTag, string detail);

    [LoggerMessage(EventId = 515, EventName = "LogoutReceived", Level = LogLevel.Debug,
        Message = "Session TSIH {Tsih}: logout ({Reason}) on CID {Cid}")]
    public static partial void LogoutReceived(ILogger logger, ushort tsih, LogoutReason reason, ushort cid);

    [LoggerMessage(EventId = 516, EventName = "ConnectionFaulted", Level = LogLevel.Error,
        Message = "Connection {ConnectionId} failed unexpectedly")]
    public static partial void ConnectionFaulted(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 518, EventName = "LoginText", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} login {Direction} CSG={Stage}: {Text}")]
    public static partial void LoginText(ILogger logger, string connectionId, string direction, LoginStage stage, LoggedText text);

    [LoggerMessage(EventId = 517, EventName = "ServerStopped", Level = LogLevel.Information,
        Message = "The target server stopped")]
    public static partial void ServerStopped(ILogger logger);
}
