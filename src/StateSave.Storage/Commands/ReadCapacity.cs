using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>READ CAPACITY (10) and (16) (SBC-4 §5.20, §5.21).</summary>
internal static class ReadCapacity
{
    public static CommandDefinition Definition10 { get; } = new(ScsiOpcode.ReadCapacity10, null,
        [0x25, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0x07], ExecuteAsync10, CommandFlags.MediumAccess);

    public static CommandDefinition Definition16 { get; } = new(ScsiOpcode.ServiceActionIn16, (ushort)ServiceActionIn16.ReadCapacity16,
        [0x9e, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x07], ExecuteAsync16, CommandFlags.MediumAccess);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync10(CommandContext context)
    {
        // PMI = 0 with a nonzero LOGICAL BLOCK ADDRESS is an error (SBC-4 §5.20.1, obsolete fields).
        if ((context.Cdb[8] & 0x01) == 0 && BinaryPrimitives.ReadUInt32BigEndian(context.Cdb[2..]) != 0)
        {
            return CommandResults.InvalidFieldInCdb(2);
        }

        byte[] data = new byte[8];
        ulong last = context.LogicalUnit.BlockCount - 1;
        BinaryPrimitives.WriteUInt32BigEndian(data, last > uint.MaxValue ? uint.MaxValue : (uint)last);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), (uint)context.LogicalUnit.BlockLength);
        await context.SendDataInAsync(data, 8).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    private static async ValueTask<ScsiCommandResult> ExecuteAsync16(CommandContext context)
    {
        if ((context.Cdb[14] & 0x01) == 0 && BinaryPrimitives.ReadUInt64BigEndian(context.Cdb[2..]) != 0)
        {
            return CommandResults.InvalidFieldInCdb(2);
        }

        uint allocationLength = BinaryPrimitives.ReadUInt32BigEndian(context.Cdb[10..]);

        // 0-7 RETURNED LOGICAL BLOCK ADDRESS, 8-11 LOGICAL BLOCK LENGTH IN BYTES, 12 P_TYPE|PROT_EN (0: no
        // protection), 13 P_I_EXPONENT (0)|LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT, 14-15 LBPME|LBPRZ|LOWEST ALIGNED LBA.
        byte[] data = new byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(data, context.LogicalUnit.BlockCount - 1);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(8), (uint)context.LogicalUnit.BlockLength);
        data[13] = (byte)(context.LogicalUnit.Options.LogicalBlocksPerPhysicalBlockExponent & 0x0f);
        if (context.LogicalUnit.Options.ThinProvisioning)
        {
            data[14] = 0x80 | 0x40;
        }

        await context.SendDataInAsync(data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
