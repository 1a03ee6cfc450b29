using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>READ DEFECT DATA (10), (12) (SBC-4 §5.17, §5.18): a medium without defects: empty lists in the requested format.</summary>
internal static class ReadDefectData
{
    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.ReadDefectData10, null, [0x37, 0, 0x1f, 0, 0, 0, 0, 0xff, 0xff, 0x07], ExecuteAsync, CommandFlags.MediumAccess),
        new(ScsiOpcode.ReadDefectData12, null, [0xb7, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x07], ExecuteAsync, CommandFlags.MediumAccess),
    ];

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        ReadOnlySpan<byte> cdb = context.Cdb;
        bool twelve = cdb[0] == (byte)ScsiOpcode.ReadDefectData12;
        byte request = twelve ? cdb[1] : cdb[2];
        uint allocationLength = twelve ? BinaryPrimitives.ReadUInt32BigEndian(cdb[6..]) : BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]);

        // PLISTV and GLISTV echo REQ_PLIST and REQ_GLIST: the lists requested are valid, and empty.
        byte[] data = new byte[twelve ? 8 : 4];
        data[1] = (byte)(((request >> 1) & 0x0c) | (request & 0x07));
        await context.SendDataInAsync(data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
