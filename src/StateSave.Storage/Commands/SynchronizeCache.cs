using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>SYNCHRONIZE CACHE (10), (16) (SBC-4 §5.32, §5.33): flushes the store; NUMBER OF LOGICAL BLOCKS 0 means to the end.</summary>
internal static class SynchronizeCache
{
    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.SynchronizeCache10, null, Usage.Cdb10(0x35, 0x06), ExecuteAsync, CommandFlags.MediumAccess),
        new(ScsiOpcode.SynchronizeCache16, null, Usage.Cdb16(0x91, 0x06), ExecuteAsync, CommandFlags.MediumAccess),
    ];

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        BlockCdb cdb = BlockCdb.Decode(context.Cdb, context.Definition.CdbLength);
        if (!context.LogicalUnit.IsInRange(cdb.LogicalBlockAddress, cdb.BlockCount))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        await context.LogicalUnit.Store.FlushAsync(context.CancellationToken).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
