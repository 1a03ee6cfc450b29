using Microsoft.Extensions.Logging;

namespace StateSave.Storage.Buffers;

/// <summary>READ/WRITE BUFFER log messages. Event IDs 475–484 belong to buffers; never renumber one.</summary>
internal static partial class BuffersLog
{
    [LoggerMessage(EventId = 475, EventName = "SnapshotCreated", Level = LogLevel.Information,
        Message = "Error history snapshot created for {InitiatorPort}: {BufferCount} buffers, {Length} bytes")]
    public static partial void SnapshotCreated(ILogger logger, string initiatorPort, int bufferCount, long length);

    [LoggerMessage(EventId = 476, EventName = "SnapshotFailed", Level = LogLevel.Warning,
        Message = "Error history snapshot could not be created")]
    public static partial void SnapshotFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 477, EventName = "SnapshotRejected", Level = LogLevel.Warning,
        Message = "Error history source returned an invalid snapshot: {Reason}")]
    public static partial void SnapshotRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 478, EventName = "SnapshotReleased", Level = LogLevel.Debug,
        Message = "Error history snapshot released by {InitiatorPort}")]
    public static partial void SnapshotReleased(ILogger logger, string initiatorPort);
}
