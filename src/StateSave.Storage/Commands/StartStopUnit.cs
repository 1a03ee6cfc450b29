using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>
/// START STOP UNIT (SBC-4 §5.25). START = 0 stops the unit (medium access NOT READY until started) when the
/// logical unit models the stopped power condition (<see cref="LogicalUnits.BlockLogicalUnitOptions.StoppedPowerCondition"/>);
/// otherwise it is acknowledged and the unit stays ready, as a shared array LU does.
/// POWER CONDITION other than 0h (START_VALID) only changes power state, which is not modelled, so every
/// such value (reserved ones too, as initiators expect) is accepted and START and LOEJ are ignored. LOEJ on a
/// removable unit ejects (START = 0) or loads (START = 1) the medium; both are refused with MEDIUM REMOVAL
/// PREVENTED while removal is prevented.
/// </summary>
internal static class StartStopUnit
{
    public static CommandDefinition Definition { get; } = new(ScsiOpcode.StartStopUnit, null, [0x1b, 0x01, 0x00, 0x0f, 0xf7, 0x07], ExecuteAsync);

    private static ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        int powerCondition = context.Cdb[4] >> 4;
        bool loadEject = (context.Cdb[4] & 0x02) != 0;
        bool start = (context.Cdb[4] & 0x01) != 0;
        if (powerCondition != 0)
        {
            // Power condition changes only (SBC-4 table "POWER CONDITION field"): START and LOEJ are ignored.
            return ValueTask.FromResult(ScsiCommandResult.Good);
        }

        if (loadEject && logicalUnit.Options.Removable)
        {
            lock (logicalUnit.PreventingNexuses)
            {
                if (logicalUnit.PreventingNexuses.Count > 0)
                {
                    return ValueTask.FromResult(ScsiCommandResult.CheckCondition(
                        SenseData.IllegalRequest(AdditionalSenseCode.MediumRemovalPrevented)));
                }
            }

            logicalUnit.IsMediumEjected = !start;
        }

        if (logicalUnit.Options.StoppedPowerCondition)
        {
            logicalUnit.IsStopped = !start;
        }

        return ValueTask.FromResult(ScsiCommandResult.Good);
    }
}
