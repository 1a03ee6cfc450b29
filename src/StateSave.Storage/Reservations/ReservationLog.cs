using Microsoft.Extensions.Logging;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Reservations;

/// <summary>Reservation log messages. Event IDs 460–474 belong to reservations; never renumber one.</summary>
internal static partial class ReservationLog
{
    [LoggerMessage(EventId = 460, EventName = "PersistentReserveOut", Level = LogLevel.Debug,
        Message = "PERSISTENT RESERVE OUT {ServiceAction} from {InitiatorPort}: {Outcome}")]
    public static partial void PersistentReserveOut(ILogger logger, PersistentReserveOutServiceAction serviceAction, string initiatorPort, ScsiCommandResult outcome);

    [LoggerMessage(EventId = 461, EventName = "Spc2Reserved", Level = LogLevel.Debug,
        Message = "Logical unit reserved (RESERVE) by {InitiatorPort}")]
    public static partial void Spc2Reserved(ILogger logger, string initiatorPort);

    [LoggerMessage(EventId = 462, EventName = "Spc2Released", Level = LogLevel.Debug,
        Message = "RESERVE reservation of {InitiatorPort} released: {Reason}")]
    public static partial void Spc2Released(ILogger logger, string initiatorPort, string reason);

    [LoggerMessage(EventId = 463, EventName = "PersistedStateRestored", Level = LogLevel.Information,
        Message = "Restored {Count} persistent reservation registrations (APTPL)")]
    public static partial void PersistedStateRestored(ILogger logger, int count);

    [LoggerMessage(EventId = 464, EventName = "PersistFailed", Level = LogLevel.Error,
        Message = "Saving persistent reservation state failed")]
    public static partial void PersistFailed(ILogger logger, Exception exception);
}
