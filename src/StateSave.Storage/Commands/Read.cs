using System.Runtime.CompilerServices;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>READ (6), (10), (12), (16) (SBC-4 §5.13-5.16).</summary>
internal static class Read
{
    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.Read6, null, [0x08, 0x1f, 0xff, 0xff, 0xff, 0x07], ExecuteAsync, CommandFlags.MediumAccess),
        new(ScsiOpcode.Read10, null, Usage.Cdb10(0x28, 0xfe), ExecuteAsync, CommandFlags.MediumAccess),
        new(ScsiOpcode.Read12, null, Usage.Cdb12(0xa8, 0xfe), ExecuteAsync, CommandFlags.MediumAccess),
        new(ScsiOpcode.Read16, null, Usage.Cdb16(0x88, 0xfe), ExecuteAsync, CommandFlags.MediumAccess),
    ];

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        if (!new Cdb(context.Cdb).TryDecodeReadWrite(out ReadWriteCdb read, out CdbFieldError error, logicalUnit.Options.MaximumTransferLength))
        {
            return CommandResults.FromFieldError(error);
        }

        if (!logicalUnit.IsInRange(read.LogicalBlockAddress, read.TransferLength))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        // GOOD follows at once, so the status may ride on the last Data-In.
        await logicalUnit.ReadToDataInAsync(context, read.LogicalBlockAddress, read.TransferLength, completesWithGood: true).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
