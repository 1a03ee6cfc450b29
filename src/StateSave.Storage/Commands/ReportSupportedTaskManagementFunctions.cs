using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>
/// REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (SPC-5 §6.37): ABORT TASK, ABORT TASK SET, CLEAR TASK SET,
/// LOGICAL UNIT RESET and TARGET RESET (the iSCSI task management functions, RFC 7143 §11.5.1).
/// </summary>
internal static class ReportSupportedTaskManagementFunctions
{
    public static CommandDefinition Definition { get; } = new(ScsiOpcode.MaintenanceIn, (ushort)MaintenanceInServiceAction.ReportSupportedTaskManagementFunctions,
        [0xa3, 0x0d, 0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x07], ExecuteAsync, CommandFlags.AllowedDuringSanitize);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        bool extended = (context.Cdb[2] & 0x80) != 0;
        uint allocationLength = BinaryPrimitives.ReadUInt32BigEndian(context.Cdb[6..]);
        byte[] data = new byte[extended ? 16 : 4];
        data[0] = 0x80 | 0x40 | 0x10 | 0x08 | 0x02; // ATS, ATSS, CTSS, LURS, TRS
        if (extended)
        {
            data[3] = 0x0c; // ADDITIONAL DATA LENGTH
        }

        await context.SendDataInAsync(data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
