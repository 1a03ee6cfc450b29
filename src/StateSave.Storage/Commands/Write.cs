using System.Runtime.CompilerServices;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>WRITE (6), (10), (12), (16) (SBC-4 §5.40-5.44).</summary>
internal static class Write
{
    private const CommandFlags Flags = CommandFlags.MediumAccess | CommandFlags.WritesMedium;

    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.Write6, null, [0x0a, 0x1f, 0xff, 0xff, 0xff, 0x07], ExecuteAsync, Flags),
        new(ScsiOpcode.Write10, null, Usage.Cdb10(0x2a, 0xfa), ExecuteAsync, Flags),
        new(ScsiOpcode.Write12, null, Usage.Cdb12(0xaa, 0xfa), ExecuteAsync, Flags),
        new(ScsiOpcode.Write16, null, Usage.Cdb16(0x8a, 0xfb), ExecuteAsync, Flags),
    ];

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        if (!new Cdb(context.Cdb).TryDecodeReadWrite(out ReadWriteCdb write, out CdbFieldError error, logicalUnit.Options.MaximumTransferLength))
        {
            return CommandResults.FromFieldError(error);
        }

        if (!logicalUnit.IsInRange(write.LogicalBlockAddress, write.TransferLength))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        await logicalUnit.WriteFromDataOutAsync(context, write.LogicalBlockAddress, write.TransferLength, write.ForceUnitAccess).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
