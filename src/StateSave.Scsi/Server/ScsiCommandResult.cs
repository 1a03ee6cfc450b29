namespace StateSave.Scsi.Server;

/// <summary>
/// How a command ended (SAM-5 §5.1 Command Complete Received): the status, and sense data for CHECK
/// CONDITION. The sense data carries its format (fixed or descriptor, chosen by the logical unit's
/// D_SENSE bit) and the transport encodes it as is.
/// </summary>
public readonly record struct ScsiCommandResult(ScsiStatus Status, SenseData? Sense = null)
{
    public static ScsiCommandResult Good => new(ScsiStatus.Good);

    public static ScsiCommandResult ConditionMet => new(ScsiStatus.ConditionMet);

    public static ScsiCommandResult Busy => new(ScsiStatus.Busy);

    public static ScsiCommandResult ReservationConflict => new(ScsiStatus.ReservationConflict);

    public static ScsiCommandResult TaskSetFull => new(ScsiStatus.TaskSetFull);

    public static ScsiCommandResult TaskAborted => new(ScsiStatus.TaskAborted);

    public static ScsiCommandResult CheckCondition(SenseData sense) => new(ScsiStatus.CheckCondition, sense);

    public override string ToString() => Sense is { } sense ? $"{Status} ({sense})" : Status.ToString();
}
