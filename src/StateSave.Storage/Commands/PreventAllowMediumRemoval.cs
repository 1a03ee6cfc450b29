using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>
/// PREVENT ALLOW MEDIUM REMOVAL (SBC-4 §5.14): PREVENT 01b records the I_T nexus as preventing removal,
/// 00b clears it; 10b and 11b (obsolete) are INVALID FIELD IN CDB. Removal stays prevented while any
/// nexus prevents it; a reset or the loss of the nexus clears its prevention.
/// </summary>
internal static class PreventAllowMediumRemoval
{
    public static CommandDefinition Definition { get; } = new(ScsiOpcode.PreventAllowMediumRemoval, null, [0x1e, 0, 0, 0, 0x03, 0x07], ExecuteAsync);

    private static ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        int prevent = context.Cdb[4] & 0x03;
        if (prevent > 1)
        {
            return ValueTask.FromResult(CommandResults.InvalidFieldInCdb(4, 1));
        }

        var preventing = context.LogicalUnit.PreventingNexuses;
        lock (preventing)
        {
            if (prevent == 1)
            {
                preventing.Add(context.Nexus);
            }
            else
            {
                preventing.Remove(context.Nexus);
            }
        }

        return ValueTask.FromResult(ScsiCommandResult.Good);
    }
}
