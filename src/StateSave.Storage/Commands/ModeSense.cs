using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.ModePages;

namespace StateSave.Storage.Commands;

/// <summary>
/// MODE SENSE (6) and (10) (SPC-5 §6.13, §6.14): mode parameter header, an optional block descriptor
/// (short, or long with LLBAA), then the requested page or all pages (3Fh). Saved values are not
/// implemented (SAVING PARAMETERS NOT SUPPORTED); subpages are not implemented.
/// </summary>
internal static class ModeSense
{
    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.ModeSense6, null, [0x1a, 0x08, 0xff, 0xff, 0xff, 0x07], ExecuteAsync),
        new(ScsiOpcode.ModeSense10, null, [0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0x07], ExecuteAsync),
    ];

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        ReadOnlySpan<byte> cdb = context.Cdb;
        bool ten = cdb[0] == (byte)ScsiOpcode.ModeSense10;
        bool disableBlockDescriptors = (cdb[1] & 0x08) != 0;
        bool longLba = ten && (cdb[1] & 0x10) != 0;
        var control = (ModePageControl)(cdb[2] >> 6);
        byte pageCode = (byte)(cdb[2] & 0x3f);
        byte subpageCode = cdb[3];
        uint allocationLength = ten ? BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]) : cdb[4];
        BlockLogicalUnit logicalUnit = context.LogicalUnit;
        ModeParameters modes = logicalUnit.ModeParameters;

        if (control == ModePageControl.Saved)
        {
            return CommandResults.SavingParametersNotSupported;
        }

        bool allPages = pageCode == ModePageCode.AllPages;
        if (!allPages && !modes.Exists(pageCode))
        {
            return CommandResults.InvalidFieldInCdb(2, 5);
        }

        if (subpageCode != 0 && !(allPages && subpageCode == 0xff))
        {
            return CommandResults.InvalidFieldInCdb(3);
        }

        int headerLength = ten ? 8 : 4;
        int descriptorLength = disableBlockDescriptors ? 0 : longLba ? 16 : 8;
        byte[] data = new byte[headerLength + descriptorLength + 256];
        int offset = headerLength;
        if (descriptorLength == 8)
        {
            ulong blocks = logicalUnit.BlockCount;
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(offset), blocks > uint.MaxValue ? uint.MaxValue : (uint)blocks);
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(offset + 4), (uint)logicalUnit.BlockLength & 0xff_ffff);
        }
        else if (descriptorLength == 16)
        {
            BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(offset), logicalUnit.BlockCount);
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(offset + 12), (uint)logicalUnit.BlockLength);
        }

        offset += descriptorLength;
        foreach (byte code in allPages ? modes.PageCodes : [pageCode])
        {
            offset += modes.Write(code, control, data.AsSpan(offset));
        }

        // Device-specific parameter (SBC-4 §6.5.1): WP, DPOFUA.
        byte deviceSpecific = (byte)((logicalUnit.IsWriteProtected ? 0x80 : 0) | 0x10);
        if (ten)
        {
            BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)(offset - 2));
            data[3] = deviceSpecific;
            data[4] = longLba && descriptorLength == 16 ? (byte)0x01 : (byte)0;
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(6), (ushort)descriptorLength);
        }
        else
        {
            data[0] = (byte)(offset - 1);
            data[2] = deviceSpecific;
            data[3] = (byte)descriptorLength;
        }

        await context.SendDataInAsync(data.AsMemory(0, offset), allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
