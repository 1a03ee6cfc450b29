using Microsoft.Extensions.Logging;
using StateSave.Scsi;

namespace StateSave.Storage.Logging;

/// <summary>Storage log messages (event IDs 400-499).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 400, EventName = "CommandFailed", Level = LogLevel.Error,
        Message = "Command {Opcode} on LUN {Lun} failed unexpectedly; reported as INTERNAL TARGET FAILURE")]
    public static partial void CommandFailed(ILogger logger, ScsiOpcode opcode, LogicalUnitNumber lun, Exception exception);

    [LoggerMessage(EventId = 401, EventName = "CheckCondition", Level = LogLevel.Debug,
        Message = "Command {Opcode} on LUN {Lun}: CHECK CONDITION {Sense}")]
    public static partial void CheckCondition(ILogger logger, ScsiOpcode opcode, LogicalUnitNumber lun, SenseData sense);

    [LoggerMessage(EventId = 402, EventName = "UnitAttentionReported", Level = LogLevel.Debug,
        Message = "Unit attention {Code} reported to {InitiatorPort} on LUN {Lun}")]
    public static partial void UnitAttentionReported(ILogger logger, AdditionalSenseCode code, string initiatorPort, LogicalUnitNumber lun);

    [LoggerMessage(EventId = 403, EventName = "LogicalUnitReset", Level = LogLevel.Information,
        Message = "Logical unit reset requested by {InitiatorPort}")]
    public static partial void LogicalUnitReset(ILogger logger, string initiatorPort);

    [LoggerMessage(EventId = 404, EventName = "SanitizeFailed", Level = LogLevel.Warning,
        Message = "Sanitize operation failed")]
    public static partial void SanitizeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 405, EventName = "LogicalUnitAdded", Level = LogLevel.Information,
        Message = "Logical unit {Lun} added")]
    public static partial void LogicalUnitAdded(ILogger logger, LogicalUnitNumber lun);

    [LoggerMessage(EventId = 406, EventName = "CommandToAbsentLun", Level = LogLevel.Debug,
        Message = "Command {Opcode} to absent or masked LUN {Lun} from {Initiator}")]
    public static partial void CommandToAbsentLun(ILogger logger, ScsiOpcode opcode, LogicalUnitNumber lun, string initiator);
}
