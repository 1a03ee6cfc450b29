using Microsoft.Extensions.Logging;

namespace StateSave.TargetServer.Logging;

/// <summary>Log events of the standalone target server (event IDs 700-799).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 700, EventName = "ServerStarted", Level = LogLevel.Information,
        Message = "Serving {TargetCount} target(s) on {PortalCount} portal(s); Ctrl+C stops")]
    public static partial void ServerStarted(ILogger logger, int targetCount, int portalCount);

    [LoggerMessage(EventId = 701, EventName = "TargetServed", Level = LogLevel.Information,
        Message = "Target {TargetName}: LUN(s) {Luns}, CHAP {Chap}, initiators {Initiators}")]
    public static partial void TargetServed(ILogger logger, string targetName, string luns, string chap, string initiators);

    [LoggerMessage(EventId = 702, EventName = "LunServed", Level = LogLevel.Information,
        Message = "Target {TargetName} LUN {Lun}: {Blocks} blocks of {BlockSize} bytes, {Backing}{Flags}")]
    public static partial void LunServed(ILogger logger, string targetName, int lun, long blocks, int blockSize, string backing, string flags);

    [LoggerMessage(EventId = 703, EventName = "StopRequested", Level = LogLevel.Information,
        Message = "Stop requested ({Signal}); closing sessions")]
    public static partial void StopRequested(ILogger logger, System.Runtime.InteropServices.PosixSignal signal);

    [LoggerMessage(EventId = 704, EventName = "ServerStopped", Level = LogLevel.Information,
        Message = "Stopped")]
    public static partial void ServerStopped(ILogger logger);

    [LoggerMessage(EventId = 705, EventName = "ReadyFileWritten", Level = LogLevel.Debug,
        Message = "Wrote the listening portals to {ReadyFile}")]
    public static partial void ReadyFileWritten(ILogger logger, string readyFile);

    [LoggerMessage(EventId = 710, EventName = "StartFailed", Level = LogLevel.Critical,
        Message = "Cannot start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string reason);
}
