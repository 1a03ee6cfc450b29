using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>
/// REQUEST SENSE (SPC-5 §6.39): returns, in the format DESC asks for, a pending unit attention (which it
/// clears, SAM-5 §5.14), else the sanitize progress or stopped state, else NO SENSE.
/// </summary>
internal static class RequestSense
{
    public static CommandDefinition Definition { get; } = new(ScsiOpcode.RequestSense, null, [0x03, 0x01, 0, 0, 0xff, 0x07], ExecuteAsync,
        CommandFlags.IgnoresUnitAttention | CommandFlags.AllowedDuringSanitize);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        bool descriptor = (context.Cdb[1] & 0x01) != 0;
        uint allocationLength = context.Cdb[4];
        var logicalUnit = context.LogicalUnit;
        SenseData sense;
        if (logicalUnit.TryTakeUnitAttention(context.Nexus, out AdditionalSenseCode attention))
        {
            sense = SenseData.UnitAttention(attention);
        }
        else if (logicalUnit.Sanitize.IsInProgress)
        {
            sense = SenseData.NotReady(AdditionalSenseCode.LogicalUnitNotReadySanitizeInProgress, logicalUnit.Sanitize.Progress);
        }
        else if (logicalUnit.IsStopped)
        {
            sense = SenseData.NotReady(AdditionalSenseCode.LogicalUnitNotReadyInitializingCommandRequired);
        }
        else
        {
            sense = new SenseData(SenseKey.NoSense, AdditionalSenseCode.NoAdditionalSenseInformation);
        }

        sense = sense with { Format = descriptor ? SenseDataFormat.Descriptor : SenseDataFormat.Fixed };
        byte[] data = new byte[SenseData.MaximumLength];
        int length = sense.Encode(data);
        await context.SendDataInAsync(data.AsMemory(0, length), allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
