using Microsoft.Extensions.Logging;
using StateSave.StorageSystem.Packages;

namespace StateSave.StorageSystem.Logging;

/// <summary>Log messages of the state-save collection (event IDs 1000-1019).</summary>
internal static partial class CollectionLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Failure {FailureId:x16} ({Component}): collecting from {Hosts} host(s)")]
    public static partial void Started(ILogger logger, ulong failureId, string component, int hosts);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Host {InitiatorName}: {Outcome} ({Bytes} bytes){Reason}")]
    public static partial void HostFinished(ILogger logger, string initiatorName, HostOutcome outcome, long bytes, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Host {InitiatorName}: request on TSIH {Tsih} failed, resuming elsewhere: {Reason}")]
    public static partial void Resuming(ILogger logger, string initiatorName, ushort tsih, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Failure {FailureId:x16}: package {Path} written in {Elapsed}")]
    public static partial void PackageWritten(ILogger logger, ulong failureId, string path, TimeSpan elapsed);
}
