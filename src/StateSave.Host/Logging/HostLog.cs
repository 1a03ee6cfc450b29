using System.Net;
using Microsoft.Extensions.Logging;
using StateSave.Host.Failover;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Iscsi.Protocol;

namespace StateSave.Host.Logging;

/// <summary>Log events of the emulated host (event IDs 900-999, stable; see specs/host-emulation.md).</summary>
internal static partial class HostLog
{
    // 900-929: HBA driver.
    [LoggerMessage(EventId = 900, EventName = "HbaLogin", Level = LogLevel.Information,
        Message = "Port {Port} logged session {Session} in to {TargetName} at {Portal}")]
    public static partial void HbaLogin(ILogger logger, string port, string session, string targetName, EndPoint portal);

    [LoggerMessage(EventId = 901, EventName = "HbaLoginFailed", Level = LogLevel.Warning,
        Message = "Port {Port} could not log in to {TargetName} at {Portal}: {Reason}")]
    public static partial void HbaLoginFailed(ILogger logger, string port, string? targetName, EndPoint portal, string reason);

    [LoggerMessage(EventId = 902, EventName = "HbaDiscovery", Level = LogLevel.Information,
        Message = "Port {Port} discovered {Count} target(s) at {Portal}")]
    public static partial void HbaDiscovery(ILogger logger, string port, int count, EndPoint portal);

    [LoggerMessage(EventId = 903, EventName = "HbaSessionState", Level = LogLevel.Information,
        Message = "Session {Session} {OldState} -> {NewState}: {Reason}")]
    public static partial void HbaSessionState(ILogger logger, string session, SessionState oldState, SessionState newState, string reason);

    [LoggerMessage(EventId = 904, EventName = "HbaAsyncMessage", Level = LogLevel.Information,
        Message = "Session {Session} received an asynchronous message {AsyncEvent}: {Detail}")]
    public static partial void HbaAsyncMessage(ILogger logger, string session, AsyncEvent asyncEvent, string detail);

    [LoggerMessage(EventId = 905, EventName = "HbaReconnect", Level = LogLevel.Warning,
        Message = "Session {Session} failed for good; logging a new session in ({Reason})")]
    public static partial void HbaReconnect(ILogger logger, string session, string reason);

    [LoggerMessage(EventId = 906, EventName = "HbaLogout", Level = LogLevel.Information,
        Message = "Session {Session} logged out")]
    public static partial void HbaLogout(ILogger logger, string session);

    // 930-969: failover driver.
    [LoggerMessage(EventId = 930, EventName = "DeviceDiscovered", Level = LogLevel.Information,
        Message = "Multipath device {Device} ({Vendor} {Product}) with {Paths} path(s)")]
    public static partial void DeviceDiscovered(ILogger logger, string device, string vendor, string product, int paths);

    [LoggerMessage(EventId = 931, EventName = "PathStateChanged", Level = LogLevel.Warning,
        Message = "Path {Path} of {Device}: {OldState} -> {NewState} ({Reason})")]
    public static partial void PathStateChanged(ILogger logger, string device, string path, PathState oldState, PathState newState, string reason);

    [LoggerMessage(EventId = 938, EventName = "AccessStateChanged", Level = LogLevel.Information,
        Message = "Path {Path} of {Device}: ALUA {OldState} -> {NewState} ({Reason})")]
    public static partial void AccessStateChanged(ILogger logger, string device, string path, AsymmetricAccessState oldState, AsymmetricAccessState newState,
        string reason);

    [LoggerMessage(EventId = 932, EventName = "IoRetried", Level = LogLevel.Debug,
        Message = "I/O on {Device} retried after path {Path} answered {Response}")]
    public static partial void IoRetried(ILogger logger, string device, string path, ScsiCommandResponse response);

    [LoggerMessage(EventId = 933, EventName = "IoFailed", Level = LogLevel.Error,
        Message = "I/O on {Device} failed: {Reason}")]
    public static partial void IoFailed(ILogger logger, string device, string reason);

    [LoggerMessage(EventId = 934, EventName = "AluaRefreshed", Level = LogLevel.Information,
        Message = "ALUA states of {Device} re-read: {States}")]
    public static partial void AluaRefreshed(ILogger logger, string device, string states);

    [LoggerMessage(EventId = 935, EventName = "DiscoveryFailed", Level = LogLevel.Warning,
        Message = "Logical units on path {Path} could not be discovered: {Reason}")]
    public static partial void DiscoveryFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 936, EventName = "ProbeFailed", Level = LogLevel.Debug,
        Message = "{Operation} on path {Path} failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string path, string operation, string reason);

    [LoggerMessage(EventId = 939, EventName = "ProbeAnswered", Level = LogLevel.Debug,
        Message = "Probe of path {Path} answered {Response}")]
    public static partial void ProbeAnswered(ILogger logger, string path, ScsiCommandResponse response);

    [LoggerMessage(EventId = 937, EventName = "BackgroundFailed", Level = LogLevel.Error,
        Message = "Background work {Work} failed")]
    public static partial void BackgroundFailed(ILogger logger, string work, Exception error);

    // 970-989: applications and hosts.
    [LoggerMessage(EventId = 970, EventName = "HostStarted", Level = LogLevel.Information,
        Message = "Host {Host} started: {Sessions} session(s), {Devices} multipath device(s), {Applications} application(s)")]
    public static partial void HostStarted(ILogger logger, string host, int sessions, int devices, int applications);

    [LoggerMessage(EventId = 971, EventName = "HostStopped", Level = LogLevel.Information, Message = "Host {Host} stopped")]
    public static partial void HostStopped(ILogger logger, string host);

    [LoggerMessage(EventId = 972, EventName = "ApplicationFailed", Level = LogLevel.Error,
        Message = "Application {Application} of host {Host} ended with an error")]
    public static partial void ApplicationFailed(ILogger logger, string host, string application, Exception error);

    [LoggerMessage(EventId = 973, EventName = "VerificationFailed", Level = LogLevel.Error,
        Message = "Workload {Application} read LBA {Lba} and found {Detail}")]
    public static partial void VerificationFailed(ILogger logger, string application, ulong lba, string detail);
}
