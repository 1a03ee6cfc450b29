using Microsoft.Extensions.Logging;

namespace StateSave.Storage.Copy;

/// <summary>EXTENDED COPY log messages. Event IDs 490–499 belong to the copy manager; never renumber one.</summary>
internal static partial class CopyLog
{
    [LoggerMessage(EventId = 490, EventName = "CopyCompleted", Level = LogLevel.Debug,
        Message = "EXTENDED COPY list {ListIdentifier} from {InitiatorPort}: {Segments} segments, {Bytes} bytes")]
    public static partial void CopyCompleted(ILogger logger, byte listIdentifier, string initiatorPort, int segments, long bytes);

    [LoggerMessage(EventId = 491, EventName = "CopyFailed", Level = LogLevel.Warning,
        Message = "EXTENDED COPY list {ListIdentifier} from {InitiatorPort} failed in segment {Segment}")]
    public static partial void CopyFailed(ILogger logger, byte listIdentifier, string initiatorPort, int segment, Exception exception);
}
