using System.Net;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;

namespace StateSave.Initiator.Logging;

/// <summary>Log events of the iSCSI initiator (event IDs 800-899, stable; see specs/iscsi-initiator.md).</summary>
internal static partial class InitiatorLog
{
    [LoggerMessage(EventId = 800, EventName = "LoginSucceeded", Level = LogLevel.Information,
        Message = "{SessionType} session ISID {Isid} TSIH {Tsih} logged in to {TargetName} at {EndPoint}; HeaderDigest={HeaderDigest} DataDigest={DataDigest} TargetMaxRecvDataSegmentLength={TargetMaxRecv} MaxBurstLength={MaxBurstLength} FirstBurstLength={FirstBurstLength} InitialR2T={InitialR2T} ImmediateData={ImmediateData}")]
    public static partial void LoginSucceeded(ILogger logger, SessionType sessionType, Isid isid, ushort tsih, string? targetName, EndPoint endPoint,
        DigestType headerDigest, DigestType dataDigest, int targetMaxRecv, int maxBurstLength, int firstBurstLength, bool initialR2T, bool immediateData);

    [LoggerMessage(EventId = 801, EventName = "LoginFailed", Level = LogLevel.Warning,
        Message = "Login of ISID {Isid} to {TargetName} at {EndPoint} failed: {Reason}")]
    public static partial void LoginFailed(ILogger logger, Isid isid, string? targetName, EndPoint endPoint, string reason);

    [LoggerMessage(EventId = 802, EventName = "LoginRedirected", Level = LogLevel.Information,
        Message = "Login to {TargetName} redirected ({Status}) from {EndPoint} to {TargetAddress}")]
    public static partial void LoginRedirected(ILogger logger, string? targetName, LoginStatus status, EndPoint endPoint, string targetAddress);

    [LoggerMessage(EventId = 803, EventName = "ChapAuthenticated", Level = LogLevel.Debug,
        Message = "CHAP authentication with {TargetName} done (mutual: {Mutual})")]
    public static partial void ChapAuthenticated(ILogger logger, string? targetName, bool mutual);

    [LoggerMessage(EventId = 810, EventName = "ConnectionLost", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} of session ISID {Isid} lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string connectionId, Isid isid, string reason);

    [LoggerMessage(EventId = 811, EventName = "ProtocolError", Level = LogLevel.Warning,
        Message = "Protocol error from the target on connection {ConnectionId}: {Detail}")]
    public static partial void ProtocolError(ILogger logger, string connectionId, string detail);

    [LoggerMessage(EventId = 812, EventName = "PduRejected", Level = LogLevel.Warning,
        Message = "The target rejected a PDU (opcode 0x{Opcode:x2}, ITT 0x{Itt:x8}) on connection {ConnectionId}: {Reason}")]
    public static partial void PduRejected(ILogger logger, string connectionId, byte opcode, uint itt, RejectReason reason);

    [LoggerMessage(EventId = 813, EventName = "KeepaliveTimeout", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: no NOP-In answer within {Timeout}")]
    public static partial void KeepaliveTimeout(ILogger logger, string connectionId, TimeSpan timeout);

    [LoggerMessage(EventId = 814, EventName = "CommandTimeout", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: command ITT 0x{Itt:x8} (CmdSN {CmdSN}) not completed within {Timeout}")]
    public static partial void CommandTimeout(ILogger logger, string connectionId, uint itt, uint cmdSN, TimeSpan timeout);

    [LoggerMessage(EventId = 815, EventName = "PingAnswered", Level = LogLevel.Trace,
        Message = "Connection {ConnectionId}: answered the target's NOP-In ping (TTT 0x{Ttt:x8})")]
    public static partial void PingAnswered(ILogger logger, string connectionId, uint ttt);

    [LoggerMessage(EventId = 820, EventName = "SessionStateChanged", Level = LogLevel.Debug,
        Message = "Session ISID {Isid} with {TargetName}: {OldState} -> {NewState} ({Reason})")]
    public static partial void SessionStateChanged(ILogger logger, Isid isid, string? targetName, Sessions.SessionState oldState, Sessions.SessionState newState, string reason);

    [LoggerMessage(EventId = 821, EventName = "RecoveryAttempt", Level = LogLevel.Information,
        Message = "Session ISID {Isid}: reinstatement attempt {Attempt} after {Delay}")]
    public static partial void RecoveryAttempt(ILogger logger, Isid isid, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 822, EventName = "RecoveryFailed", Level = LogLevel.Warning,
        Message = "Session ISID {Isid}: reinstatement attempt {Attempt} failed: {Reason}")]
    public static partial void RecoveryFailed(ILogger logger, Isid isid, int attempt, string reason);

    [LoggerMessage(EventId = 823, EventName = "SessionRecovered", Level = LogLevel.Information,
        Message = "Session ISID {Isid} reinstated (TSIH {Tsih}); re-issuing {Count} commands")]
    public static partial void SessionRecovered(ILogger logger, Isid isid, ushort tsih, int count);

    [LoggerMessage(EventId = 824, EventName = "SessionFailed", Level = LogLevel.Error,
        Message = "Session ISID {Isid} failed: {Reason}")]
    public static partial void SessionFailed(ILogger logger, Isid isid, string reason);

    [LoggerMessage(EventId = 825, EventName = "LoggedOut", Level = LogLevel.Information,
        Message = "Session ISID {Isid} logged out: {Response}")]
    public static partial void LoggedOut(ILogger logger, Isid isid, LogoutResponseCode response);

    [LoggerMessage(EventId = 830, EventName = "TaskManagement", Level = LogLevel.Information,
        Message = "Task management {Function} (LUN {Lun}, referenced ITT 0x{ReferencedItt:x8}): {Response}")]
    public static partial void TaskManagement(ILogger logger, TaskManagementFunction function, ulong lun, uint referencedItt, TaskManagementResponse response);

    [LoggerMessage(EventId = 840, EventName = "AsyncMessage", Level = LogLevel.Information,
        Message = "Asynchronous message {AsyncEvent} (LUN {Lun}, parameters {Parameter1}/{Parameter2}/{Parameter3})")]
    public static partial void AsyncMessage(ILogger logger, AsyncEvent asyncEvent, ulong lun, ushort parameter1, ushort parameter2, ushort parameter3);

    [LoggerMessage(EventId = 850, EventName = "PduReceived", Level = LogLevel.Trace,
        Message = "Connection {ConnectionId} received {Opcode} ITT 0x{Itt:x8} ({Length} data bytes)")]
    public static partial void PduReceived(ILogger logger, string connectionId, IscsiOpcode opcode, uint itt, int length);

    [LoggerMessage(EventId = 860, EventName = "DiscoveryCompleted", Level = LogLevel.Information,
        Message = "SendTargets at {EndPoint} found {Count} targets")]
    public static partial void DiscoveryCompleted(ILogger logger, EndPoint endPoint, int count);

    [LoggerMessage(EventId = 870, EventName = "EventHandlerFailed", Level = LogLevel.Error,
        Message = "A session event subscriber threw")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 880, EventName = "StateSaveRequestReceived", Level = LogLevel.Information,
        Message = "Connection {ConnectionId}: State Save Request VTT 0x{VendorTaskTag:x8} for failure {FailureId:x16}")]
    public static partial void StateSaveRequestReceived(ILogger logger, string connectionId, uint vendorTaskTag, ulong failureId);

    [LoggerMessage(EventId = 881, EventName = "VendorPduIgnored", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: vendor-specific PDU {Opcode} ignored: {Reason}")]
    public static partial void VendorPduIgnored(ILogger logger, string connectionId, IscsiOpcode opcode, string reason);

    [LoggerMessage(EventId = 882, EventName = "StateSaveHandlerFailed", Level = LogLevel.Error,
        Message = "The State Save Request VTT 0x{VendorTaskTag:x8} failed in its handler")]
    public static partial void StateSaveHandlerFailed(ILogger logger, uint vendorTaskTag, Exception exception);
}
