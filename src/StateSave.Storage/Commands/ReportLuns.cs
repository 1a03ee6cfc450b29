using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Devices;

namespace StateSave.Storage.Commands;

/// <summary>
/// REPORT LUNS (SPC-5 §6.33) as a logical unit alone can answer it (its own LUN). The SCSI target device
/// answers it with the whole inventory before the command reaches a logical unit; this entry makes the
/// command appear in REPORT SUPPORTED OPERATION CODES.
/// </summary>
internal static class ReportLuns
{
    public static byte[] UsageData => [0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07];

    public static CommandDefinition Definition { get; } = new(ScsiOpcode.ReportLuns, null, UsageData, ExecuteAsync,
        CommandFlags.IgnoresUnitAttention | CommandFlags.AllowedDuringSanitize);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        uint allocationLength = BinaryPrimitives.ReadUInt32BigEndian(context.Cdb[6..]);
        if (allocationLength < 4)
        {
            return CommandResults.InvalidFieldInCdb(6);
        }

        byte[] data = ReportLunsData.Build([context.LogicalUnit.Lun]);
        await context.SendDataInAsync(data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
