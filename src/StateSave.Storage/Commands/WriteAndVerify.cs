using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>
/// WRITE AND VERIFY (10), (12), (16) (SBC-4 §5.45-5.47): a write whose verification cannot fail on this
/// medium (the data read back is the data written). BYTCHK 10b and 11b are not supported (INVALID FIELD IN CDB).
/// </summary>
internal static class WriteAndVerify
{
    private const CommandFlags Flags = CommandFlags.MediumAccess | CommandFlags.WritesMedium;

    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.WriteAndVerify10, null, Usage.Cdb10(0x2e, 0xf6), ExecuteAsync, Flags),
        new(ScsiOpcode.WriteAndVerify12, null, Usage.Cdb12(0xae, 0xf6), ExecuteAsync, Flags),
        new(ScsiOpcode.WriteAndVerify16, null, Usage.Cdb16(0x8e, 0xf6), ExecuteAsync, Flags),
    ];

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        BlockCdb cdb = BlockCdb.Decode(context.Cdb, context.Definition.CdbLength);
        if (BlockCdb.Protect(context.Cdb) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 7);
        }

        if ((context.Cdb[1] & 0x04) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 2);
        }

        if (cdb.BlockCount > logicalUnit.Options.MaximumTransferLength)
        {
            return CommandResults.InvalidFieldInCdb(cdb.CountOffset);
        }

        if (!logicalUnit.IsInRange(cdb.LogicalBlockAddress, cdb.BlockCount))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        // Verification reads the medium back, so the data must have reached it: as FUA.
        await logicalUnit.WriteFromDataOutAsync(context, cdb.LogicalBlockAddress, cdb.BlockCount, forceUnitAccess: true).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
