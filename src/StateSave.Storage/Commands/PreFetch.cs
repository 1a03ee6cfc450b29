using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>
/// PRE-FETCH (10), (16) (SBC-4 §5.10, §5.11). There is no separate cache to load, which SBC-4 treats like
/// a cache without room for the blocks: GOOD rather than CONDITION MET.
/// </summary>
internal static class PreFetch
{
    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.PreFetch10, null, Usage.Cdb10(0x34, 0x02), ExecuteAsync, CommandFlags.MediumAccess),
        new(ScsiOpcode.PreFetch16, null, Usage.Cdb16(0x90, 0x02), ExecuteAsync, CommandFlags.MediumAccess),
    ];

    private static ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        BlockCdb cdb = BlockCdb.Decode(context.Cdb, context.Definition.CdbLength);
        return ValueTask.FromResult(context.LogicalUnit.IsInRange(cdb.LogicalBlockAddress, cdb.BlockCount)
            ? ScsiCommandResult.Good
            : CommandResults.LogicalBlockAddressOutOfRange);
    }
}
